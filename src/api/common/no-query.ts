/**
 * The query of a route that takes no parameter: with the API's validation pipe (unknown fields refused),
 * `GET /studies?state=RUNNING` is a 400 naming `state`, not the whole list as if it had been filtered.
 */
export class NoQuery {}
