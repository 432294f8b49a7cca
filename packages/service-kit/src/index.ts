export { loadServiceConfig, ConfigError } from './config';
export type { BaseConfig, EnvSchema } from './config';
export { HttpError, problems, PROBLEM_CONTENT_TYPE } from './errors';
export type { FieldProblem, HttpErrorOptions } from './errors';
export { requestContext, REQUEST_ID_HEADER } from './context';
export { createServiceMetrics, HTTP_METRICS } from './metrics';
export type { ServiceMetrics } from './metrics';
export { Contract } from './contract';
export type { MatchedOperation } from './contract';
export { createJwtIssuer, createJwtVerifier, requireAuth, JWT_ALGORITHM } from './auth';
export type { JwtIssuer, JwtVerifier, PlatformClaims } from './auth';
export { createHttpClient } from './httpClient';
export type { HttpClient, HttpClientOptions, RequestOptions } from './httpClient';
export { createKafka } from './kafka';
export { createService, runService } from './service';
export type { ReadinessCheck, Service, ServiceContext, ServiceOptions } from './service';
// Services take express types from here so that every service compiles against the kit's express 5.
export type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
