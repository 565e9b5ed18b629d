import { createServer, type Server } from 'node:net';
import { checkPortFree, ServiceError } from './services';

describe('checkPortFree', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('refuses a port another process listens on, saying what to do', async () => {
    const check = checkPortFree('127.0.0.1', port);
    await expect(check).rejects.toThrow(ServiceError);
    await expect(check).rejects.toThrow(
      `port ${port} of 127.0.0.1 is in use (another platform?): stop what listens there, or start with --port P`,
    );
  });

  it('passes a free port and leaves it free', async () => {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await expect(checkPortFree('127.0.0.1', port)).resolves.toBeUndefined();
    // Free again for whoever asked: the API can listen on it at once.
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  });
});
