/** What the launcher prints once the api answers: where each part of the platform is. */
export interface ReadyBannerOptions {
  /** The api's base URL, e.g. `http://127.0.0.1:3000`. */
  base: string;
  /** Seconds from the start of the roles to a healthy api. */
  seconds: number;
  /** Whether TUNEFORGE_API_TOKEN is set (Bull Board then asks for it). */
  token: boolean;
  /** Whether dashboard/dist is there to serve (false when its build failed). */
  dashboardBuilt: boolean;
}

/** The lines of the "ready" banner, one address per part. */
export function readyBanner(options: ReadyBannerOptions): string[] {
  const { base } = options;
  return [
    `ready in ${options.seconds.toFixed(1)} s`,
    `  API         ${base}`,
    `  Dashboard   ${base}/dashboard${options.dashboardBuilt ? '' : '  (not built: run npm run build:dashboard)'}`,
    `  OpenAPI     ${base}/docs`,
    `  Bull Board  ${base}/admin/queues${options.token ? '  (Basic auth: any user, the API token as password)' : ''}`,
    'Ctrl-C stops everything.',
  ];
}
