import twilio from 'twilio';

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

/**
 * The twilio package's own HTTP client, sending what it addresses to api.twilio.com to the stand-in.
 * The package's `httpClient` option is its documented hook for this: `edge` and `region` only choose
 * among Twilio's own hosts, so they cannot point it at loopback.
 */
export class StandInRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    // Without keep-alive a test's sockets close with its requests, so the stand-in can stop at once.
    super({ keepAlive: false });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const addressed = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: new URL(`${addressed.pathname}${addressed.search}`, this.origin).href });
  }
}
