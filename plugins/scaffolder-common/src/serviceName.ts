/** The longest service name a template accepts: it becomes a DNS label, a Helm release and a Kafka client id. */
export const SERVICE_NAME_MAX_LENGTH = 40;

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Why a service name is not acceptable, in words a person filling the form can act on; undefined when it is.
 * Uniqueness in the catalog is checked separately: it needs the catalog.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > SERVICE_NAME_MAX_LENGTH) {
    return `Use at most ${SERVICE_NAME_MAX_LENGTH} characters; this name has ${name.length}.`;
  }
  if (/[A-Z]/.test(name)) {
    return `Use lowercase letters only (kebab-case), e.g. ${name.toLowerCase()}.`;
  }
  if (!KEBAB_CASE.test(name)) {
    return 'Use kebab-case: lowercase letters and digits in words joined by single hyphens, starting with a letter (e.g. wishlist-service).';
  }
  return undefined;
}

/** The message for a name another catalog entity already has. */
export function serviceNameTakenMessage(entityRef: string): string {
  return `${entityRef} already exists in the catalog; choose another name.`;
}
