import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { JobMeter } from './job-meter';
import type { JobName, JobPayloads } from './jobs';

type Handler<N extends JobName> = (payload: JobPayloads[N]) => Promise<void>;

/** Processors register here; the inline queue and the BullMQ worker both dispatch through it. */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, Handler<JobName>>();

  constructor(private readonly meter: JobMeter) {}

  register<N extends JobName>(name: N, handler: Handler<N>): void {
    this.handlers.set(name, handler as Handler<JobName>);
  }

  async dispatch<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`no processor registered for job ${name}`);
    const started = performance.now();
    try {
      await handler(payload);
      this.meter.observe(name, 'completed', (performance.now() - started) / 1000);
    } catch (error) {
      this.meter.observe(name, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }
}
