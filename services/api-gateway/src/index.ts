export { createGateway } from './gateway';
export type { GatewayOptions } from './gateway';
export { loadGatewayConfig, gatewayConfigSchema } from './config';
export type { GatewayConfig } from './config';
export { DEFAULT_ROUTES_FILE, loadRouteTable, parseRouteTable, resolveRoutes, RouteTableError } from './routeTable';
export type { Route, RouteTable } from './routeTable';
