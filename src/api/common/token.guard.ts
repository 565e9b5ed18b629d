import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { PlatformConfig } from '../../config/platform-config';

const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** Constant-time comparison of a presented bearer token with the configured one. */
export function tokenMatches(expected: string, header: string | undefined): boolean {
  // The scheme is case-insensitive (RFC 7235): `bearer <token>` is the same.
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  const a = Buffer.from(match[1]);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * When TUNEFORGE_API_TOKEN is set, mutating routes (and reads unless TUNEFORGE_PUBLIC_READ=1) need
 * `Authorization: Bearer <token>`. Without a token the API only listens on loopback.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly config: PlatformConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.apiToken;
    if (token === null) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (READ_METHODS.includes(req.method) && this.config.publicRead) return true;
    if (tokenMatches(token, req.headers.authorization)) return true;
    throw new UnauthorizedException(
      'Missing or wrong bearer token: send Authorization: Bearer <TUNEFORGE_API_TOKEN>.',
    );
  }
}
