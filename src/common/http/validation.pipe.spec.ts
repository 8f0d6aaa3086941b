import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { RegisterRequestDto } from '../../auth/dto/auth-requests.dto';
import { ValidationFailed } from '../errors/common.errors';
import { createValidationPipe } from './validation.pipe';

/** A parsed body whose property reads are counted: what the pipe touches before it answers. */
function counted(value: Record<string, unknown>): { body: Record<string, unknown>; reads: () => number } {
  let reads = 0;
  const body = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.hasOwn(target, key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { body, reads: () => reads };
}

async function refusal(value: unknown): Promise<ValidationFailed> {
  return createValidationPipe()
    .transform(value, { type: 'body', metatype: RegisterRequestDto })
    .then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error as ValidationFailed,
    );
}

describe('validation pipe', () => {
  it('refuses the first unknown property of a body without reading the others', async () => {
    const raw: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) raw[`u${i}`] = 'x';
    const { body, reads } = counted(raw);
    const error = await refusal(body);
    expect(error.details).toEqual([{ field: 'u0', messages: ['property u0 should not exist'] }]);
    expect(reads()).toBe(0);
  });

  it('walks nested DTOs (by their @Type) and names an unknown property there by its path, reading only what leads to it', async () => {
    const kdfRaw: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) kdfRaw[`u${i}`] = 'x';
    const kdf = counted(kdfRaw);
    const error = await refusal({ email: 'ada@example.com', kdf: kdf.body });
    expect(error.details).toEqual([{ field: 'kdf.u0', messages: ['property u0 should not exist'] }]);
    expect(kdf.reads()).toBe(0);
  });

  it('still answers the rules of known properties when nothing is unknown', async () => {
    const error = await refusal({ email: 'not an email' });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.field)).toContain('email');
  });
});
