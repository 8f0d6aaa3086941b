import { Injectable } from '@nestjs/common';
import type { JobName, JobPayloads } from './jobs';

type Handler<N extends JobName> = (payload: JobPayloads[N]) => Promise<void>;

/** Processors register here; the inline queue and the BullMQ worker both dispatch through it. */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, Handler<JobName>>();

  register<N extends JobName>(name: N, handler: Handler<N>): void {
    this.handlers.set(name, handler as Handler<JobName>);
  }

  async dispatch<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`no processor registered for job ${name}`);
    await handler(payload);
  }
}
