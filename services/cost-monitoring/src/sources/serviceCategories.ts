/**
 * FOCUS ServiceCategory for the provider service names the three clouds' native APIs report
 * (FOCUS exports carry the category themselves). Unknown names fall back to "Other".
 */
const CATEGORY_BY_SERVICE: Record<string, string> = {
  // AWS Cost Explorer SERVICE dimension
  'Amazon Elastic Compute Cloud - Compute': 'Compute',
  'Amazon Elastic Compute Cloud': 'Compute',
  'EC2 - Other': 'Compute',
  'Amazon Elastic Kubernetes Service': 'Compute',
  'Amazon Elastic Container Service': 'Compute',
  'AWS Lambda': 'Compute',
  'Amazon Relational Database Service': 'Databases',
  'Amazon DocumentDB (with MongoDB compatibility)': 'Databases',
  'Amazon DocumentDB': 'Databases',
  'Amazon DynamoDB': 'Databases',
  'Amazon ElastiCache': 'Databases',
  'Amazon Simple Storage Service': 'Storage',
  'Amazon Managed Streaming for Apache Kafka': 'Analytics',
  'Amazon OpenSearch Service': 'Analytics',
  'Amazon API Gateway': 'Networking',
  'AWS Data Transfer': 'Networking',
  'Amazon CloudFront': 'Networking',
  'Amazon Virtual Private Cloud': 'Networking',
  'AmazonCloudWatch': 'Management and Governance',
  'AWS Cost Explorer': 'Management and Governance',
  'AWS Key Management Service': 'Security',
  'AWS Secrets Manager': 'Security',
  // Azure Cost Management ServiceName dimension
  'Virtual Machines': 'Compute',
  'Azure Kubernetes Service': 'Compute',
  'Functions': 'Compute',
  'Azure Functions': 'Compute',
  'Container Instances': 'Compute',
  'Storage': 'Storage',
  'Azure Cache for Redis': 'Databases',
  'Redis Cache': 'Databases',
  'Azure Cosmos DB': 'Databases',
  'Azure Database for PostgreSQL': 'Databases',
  'Bandwidth': 'Networking',
  'Virtual Network': 'Networking',
  'Load Balancer': 'Networking',
  'Azure Monitor': 'Management and Governance',
  'Log Analytics': 'Management and Governance',
  'Key Vault': 'Security',
  // GCP billing export service.description
  'Compute Engine': 'Compute',
  'Cloud Run': 'Compute',
  'Cloud Functions': 'Compute',
  'Kubernetes Engine': 'Compute',
  'Cloud Storage': 'Storage',
  'Cloud Pub/Sub': 'Integration',
  'BigQuery': 'Analytics',
  'Cloud SQL': 'Databases',
  'Cloud Memorystore for Redis': 'Databases',
  'Networking': 'Networking',
  'Cloud Logging': 'Management and Governance',
  'Cloud Monitoring': 'Management and Governance',
  'Secret Manager': 'Security',
};

export function serviceCategoryOf(providerService: string): string {
  return CATEGORY_BY_SERVICE[providerService] ?? 'Other';
}

/** Taxes arrive as a "service" in AWS and Azure; FOCUS files them as ChargeCategory Tax. */
export function chargeCategoryOf(providerService: string): string {
  return providerService === 'Tax' ? 'Tax' : 'Usage';
}
