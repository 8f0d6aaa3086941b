/** The whole HTTP surface of shared/API.md, one object per resource over one HttpClient. */
import { AuthApi } from './auth-api.js';
import { EventsApi } from './events-api.js';
import { HttpClient, type HttpClientOptions } from './http-client.js';
import { MindMapsApi } from './mindmaps-api.js';
import { PublicApi } from './public-api.js';
import { SharesApi } from './shares-api.js';

export class MindvaultApi {
  readonly http: HttpClient;
  readonly auth: AuthApi;
  readonly mindmaps: MindMapsApi;
  readonly shares: SharesApi;
  /** The account's live event stream. */
  readonly events: EventsApi;
  /** Routes that need no login (share links). */
  readonly public: PublicApi;

  constructor(options: HttpClientOptions) {
    this.http = new HttpClient(options);
    this.auth = new AuthApi(this.http);
    this.mindmaps = new MindMapsApi(this.http);
    this.shares = new SharesApi(this.http);
    this.events = new EventsApi(this.http);
    this.public = new PublicApi(this.http);
  }
}
