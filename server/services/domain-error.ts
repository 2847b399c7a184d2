/**
 * What a service throws when it refuses: a reason code (a key of
 * server/errors/messages.ts), the English detail, its Chinese when the
 * service has one, and optional structured params. No HTTP status: the
 * errors plugin alone maps reasons to statuses, so a service can be called
 * from a route, a CLI or a job alike.
 */
export class DomainError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly options: {
      zh?: string;
      /** Fields a client reads beside `error` in the answer (e.g. a plan's problems). */
      details?: Record<string, unknown>;
      /** Seconds before trying again, for reasons that are about time (too many attempts). */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get zh(): string | undefined {
    return this.options.zh;
  }
}

/** A value of the input is wrong: names the field first, as `field: reason`, in both languages when given. */
export const invalidInput = (field: string, message: string, zh?: string) =>
  new DomainError('invalid_parameter', `${field}: ${message}`, zh === undefined ? {} : { zh: `${field}：${zh}` });

/** Nothing the actor may see has this name (unknown and out of scope read the same). */
export const notFoundError = (what: string, zh?: string) => new DomainError('not_found', `${what} not found`, zh === undefined ? {} : { zh: `未找到${zh}` });
