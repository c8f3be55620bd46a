// A start refused before anything was touched (a port or the data folder taken): exit status 2, like a configuration error.
export class StartRefused extends Error {
  override name = 'StartRefused'
}
