export { SERVICE_NAME_MAX_LENGTH, serviceNameProblem, serviceNameTakenMessage } from './serviceName';
