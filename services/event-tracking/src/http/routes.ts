import {
  HttpError,
  type RequestHandler,
  type Router,
} from '@platform/service-kit';
import {
  IdentityMismatchError,
  type EventIngestion,
  type RejectedEvent,
} from '../events/EventIngestion';
import { KafkaUnavailableError } from '../events/EventPublisher';

export interface EventRoutesDeps {
  ingest: EventIngestion['ingest'];
  /** Verifies a bearer token when one is sent (401 if invalid) and sets req.auth; lets anonymous requests through. */
  optionalAuth: RequestHandler;
  retryAfterSeconds: number;
}

const PRIVILEGED_ROLES = ['service', 'admin'];

export function eventRoutes(router: Router, deps: EventRoutesDeps): void {
  router.post('/events', deps.optionalAuth, async (req, res) => {
    // the contract has checked the envelope: one event, or {events: [...]} with 1 to 500 items
    const batch =
      typeof req.body === 'object' && req.body !== null && 'events' in req.body;
    const candidates: unknown[] = batch ? req.body.events : [req.body];
    const pointer = (index: number, inner: string) =>
      batch ? `/events/${index}${inner}` : inner || '/';
    const rejectedInBody = (rejected: RejectedEvent[]) =>
      rejected.map(r => ({
        index: r.index,
        errors: r.errors.map(e => ({
          pointer: pointer(r.index, e.pointer),
          message: e.message,
        })),
        deadLettered: r.deadLettered,
      }));

    let result;
    try {
      result = await deps.ingest(candidates, {
        userId: req.auth?.sub,
        privileged: PRIVILEGED_ROLES.some(role =>
          req.auth?.roles.includes(role),
        ),
      });
    } catch (error) {
      if (error instanceof IdentityMismatchError) {
        const errors = error.indexes.map(index => ({
          pointer: pointer(index, '/userId'),
          message:
            error.reason === 'anonymous'
              ? 'needs an access token of that user; anonymous events have no userId'
              : "is not the access token's user",
        }));
        if (error.reason === 'anonymous') {
          throw new HttpError(401, 'Unauthorized', {
            detail:
              'Events that name a userId need an access token of that user.',
            headers: { 'WWW-Authenticate': 'Bearer' },
            errors,
          });
        }
        throw new HttpError(403, 'Forbidden', {
          detail: 'A user may only send events for themselves.',
          extensions: { errors },
        });
      }
      if (error instanceof KafkaUnavailableError) {
        throw new HttpError(503, 'Service Unavailable', {
          detail:
            'The events could not be written to Kafka; none was accepted. Retry the whole request.',
          headers: { 'Retry-After': String(deps.retryAfterSeconds) },
          cause: error,
        });
      }
      throw error;
    }

    const rejected = rejectedInBody(result.rejected);
    // the envelope matched the contract, so refusing it is the documented 422, not the kit's 400
    if (result.eventIds.length === 0) {
      throw new HttpError(422, 'Unprocessable Content', {
        detail: `None of the ${candidates.length} events is valid; nothing was accepted.`,
        errors: rejected.flatMap(r => r.errors),
        extensions: { rejected },
      });
    }
    res.status(rejected.length ? 207 : 202).json({
      accepted: result.eventIds.length,
      eventIds: result.eventIds,
      rejected,
    });
  });
}
