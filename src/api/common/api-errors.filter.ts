import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import {
  DuplicateStudyError,
  InvalidArgumentError,
  StudyNotFoundError,
  TrialAlreadyFinishedError,
  TrialNotFoundError,
} from '@tuneforge/core';
import { InvalidStudyDefinitionError, StudyStateConflictError } from '@tuneforge/queue';
import type { Response } from 'express';

/** Maps the core's typed errors to HTTP once, for every route: 404, 409, 400; anything else is a 500. */
@Catch()
export class ApiErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      res.status(error.getStatus()).json(error.getResponse());
      return;
    }
    const [status, body] = this.map(error);
    if (status === HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    res.status(status).json({ statusCode: status, ...body });
  }

  private map(error: unknown): [number, Record<string, unknown>] {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof StudyNotFoundError || error instanceof TrialNotFoundError) {
      return [HttpStatus.NOT_FOUND, { error: 'Not Found', message }];
    }
    if (error instanceof DuplicateStudyError || error instanceof TrialAlreadyFinishedError) {
      return [HttpStatus.CONFLICT, { error: 'Conflict', message }];
    }
    if (error instanceof StudyStateConflictError)
      return [HttpStatus.CONFLICT, { error: 'Conflict', message }];
    if (error instanceof InvalidStudyDefinitionError) {
      return [
        HttpStatus.BAD_REQUEST,
        { error: 'Bad Request', message, errors: [{ field: error.field, messages: [message] }] },
      ];
    }
    if (error instanceof InvalidArgumentError) {
      return [HttpStatus.BAD_REQUEST, { error: 'Bad Request', message }];
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: 'Internal Server Error', message: 'internal error' }];
  }
}
