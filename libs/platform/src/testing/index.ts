/**
 * @tuneforge/platform/testing — helpers for tests and benchmarks that run the platform under a Redis prefix
 * of their own on a shared server. Apart from the main entry so that no production import pulls them in.
 */
export * from './prefix-keys';
