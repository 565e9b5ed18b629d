import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import {
  DuplicateStudyError,
  InvalidArgumentError,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
} from '@tuneforge/core';
import { InvalidStudyDefinitionError, StudyStateConflictError } from '@tuneforge/platform';
import type { Request, Response } from 'express';
import { errorBody, fieldErrorBody, isFieldErrorList, type ApiErrorBody } from './error-body';
import { bodyParserErrorBody } from './request-body';
import { undecodableParam } from './route-params';

/**
 * Every error of every route, and of Express before the routes (body parser, path decoding, unknown
 * routes), answered in the one shape of {@link ApiErrorBody}: the core's typed errors mapped once here
 * (404, 409, 400), Nest's HttpExceptions reshaped, anything else a 500 that is logged.
 */
@Catch()
export class ApiErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const body = error instanceof HttpException ? fromHttpException(error, req) : this.map(error);
    if (body.statusCode >= 500 && !(error instanceof HttpException)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    // A stream (server-sent events) that fails after its headers went out can only be ended.
    if (res.headersSent) {
      res.end();
      return;
    }
    // Set here, not left to json(): a route's own @Header (text/csv) is already on the response.
    res.status(body.statusCode).setHeader('Content-Type', 'application/json; charset=utf-8');
    res.removeHeader('Content-Disposition');
    res.json(body);
  }

  private map(error: unknown): ApiErrorBody {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof StudyNotFoundError || error instanceof TrialNotFoundError) {
      return errorBody(HttpStatus.NOT_FOUND, message);
    }
    if (error instanceof DuplicateStudyError || error instanceof TrialAlreadyFinishedError) {
      return errorBody(HttpStatus.CONFLICT, message);
    }
    if (error instanceof StudyStateConflictError) return errorBody(HttpStatus.CONFLICT, message);
    if (error instanceof InvalidStudyDefinitionError) {
      // Its message is `<field>: <reason>`; the field's entry holds the reason alone.
      const reason = message.startsWith(`${error.field}: `) ? message.slice(error.field.length + 2) : message;
      return errorBody(HttpStatus.BAD_REQUEST, message, [{ field: error.field, messages: [reason] }]);
    }
    if (error instanceof InvalidArgumentError) {
      // Any other invalid input that knows which one it is carries a `field`.
      const field = (error as { field?: unknown }).field;
      return typeof field === 'string' && field !== ''
        ? errorBody(HttpStatus.BAD_REQUEST, message, [{ field, messages: [message] }])
        : errorBody(HttpStatus.BAD_REQUEST, message);
    }
    return errorBody(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'Internal error: the server logged it; try again, or report it if it persists.',
    );
  }
}

/**
 * An HttpException in the one shape: Nest's own (`{ message, error, statusCode }`, a bare string, a
 * message array) and Express's errors that Nest wraps (body parser, undecodable path) get their status
 * text and, when an input is at fault, its name.
 */
function fromHttpException(error: HttpException, req: Request): ApiErrorBody {
  const status = error.getStatus();
  const fromBodyParser = bodyParserErrorBody(error.cause);
  if (fromBodyParser) return fromBodyParser;
  if (error.cause instanceof URIError) {
    const field = undecodableParam(req.originalUrl ?? req.url);
    return fieldErrorBody(status, field, `is not valid percent-encoding (${error.cause.message})`);
  }
  const response = error.getResponse();
  const fields = typeof response === 'object' ? (response as { errors?: unknown }).errors : undefined;
  const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : error.message;
  if (isFieldErrorList(fields)) return errorBody(status, message, fields);
  const reason = typeof response === 'object' ? (response as { reason?: unknown }).reason : undefined;
  if (typeof reason === 'string') return { ...errorBody(status, message), reason };
  // Nest's answer when no route matches: the path is at fault.
  if (status === HttpStatus.NOT_FOUND && message === `Cannot ${req.method} ${req.originalUrl}`) {
    return fieldErrorBody(
      status,
      'path',
      `no route ${req.method} ${req.path}; the routes are listed at /docs`,
    );
  }
  return errorBody(status, message);
}
