import { LeaseToken } from './lease-token';

export class HeartbeatDto {
  @LeaseToken()
  token!: string;
}
