import { AppError } from '../common/errors/app-error';

export class TooManyStreams extends AppError {
  readonly status = 429;
  readonly code = 'TOO_MANY_STREAMS';
  constructor(readonly maxStreams: number) {
    super(`at most ${maxStreams} event streams per user at once`);
  }
  override extra() {
    return { maxStreams: this.maxStreams };
  }
}

export class EventsUnavailable extends AppError {
  readonly status = 503;
  readonly code = 'EVENTS_UNAVAILABLE';
  constructor(message = 'the event stream is unavailable, retry shortly') {
    super(message);
  }
  override headers() {
    return { 'retry-after': '2' };
  }
}
