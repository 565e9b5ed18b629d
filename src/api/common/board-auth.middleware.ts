import type { NextFunction, Request, Response } from 'express';
import { tokenMatches } from './token.guard';

/**
 * Guards Bull Board (which can retry and delete jobs) with the API token: a bearer header, or HTTP
 * Basic with the token as password so that a browser can open it. Without a token it is open (the API
 * then listens on loopback only).
 */
export function boardAuth(token: string | null) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (token === null) return next();
    const header = req.headers.authorization ?? '';
    const basic = /^Basic (.+)$/i.exec(header);
    const password = basic
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':')
      : null;
    if (tokenMatches(token, header) || (password !== null && tokenMatches(token, `Bearer ${password}`)))
      return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="tuneforge"');
    res.status(401).json({
      statusCode: 401,
      error: 'Unauthorized',
      message:
        'Bull Board needs the API token: send Authorization: Bearer <TUNEFORGE_API_TOKEN>, or sign in with any user name and the token as the password.',
    });
  };
}
