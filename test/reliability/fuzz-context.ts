import { randomBytes } from 'node:crypto';
import { Api, envelope } from '../utils/api';
import { checkAnswer, FuzzContext, Fuzzer, FuzzOutcome, OpenApiDocument, sendCase } from './fuzzer';

/**
 * A user with one map, one saved version and one share, so fuzzed ids sometimes exist and
 * requests reach past validation into the services.
 */
export async function fuzzContext(api: Api): Promise<FuzzContext & { userId: string; mapId: string }> {
  const user = await api.register();
  const map = await api.createMap(user);
  const saved = await api.upload(user, map.id, randomBytes(64));
  if (saved.status !== 201) throw new Error(`upload for the fuzz context failed: ${saved.status}`);
  const share = await api.request<{ shareId: string; token: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
    token: user.accessToken,
    json: { envelope: envelope(), keyVersion: 1 },
  });
  const ids = [map.id, saved.body.versionId, user.userId];
  if (share.status === 201) ids.push(share.body.shareId);
  return { token: user.accessToken, ids, userId: user.userId, mapId: map.id };
}

/** Runs `count` cases, `concurrency` at a time; returns every answer that broke the contract. */
export async function runFuzz(
  baseUrl: string,
  context: FuzzContext,
  options: { count: number; concurrency: number; seed: number },
): Promise<{ failures: FuzzOutcome[]; statuses: Record<number, number>; operations: number }> {
  const doc = (await (await fetch(`${baseUrl}/docs-json`)).json()) as OpenApiDocument;
  const fuzzer = new Fuzzer(doc, context, options.seed);
  const failures: FuzzOutcome[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.count) {
        const fuzzCase = fuzzer.caseAt(next++);
        const { status, body } = await sendCase(baseUrl, fuzzCase);
        statuses[status] = (statuses[status] ?? 0) + 1;
        const problem = checkAnswer(status, body);
        if (problem) failures.push({ fuzzCase, status, body, problem });
      }
    }),
  );
  return { failures, statuses, operations: fuzzer.operationCount };
}

export function describeFailures(failures: FuzzOutcome[], seed: number): string {
  return [
    `seed ${seed} (replay with FUZZ_SEED=${seed}); ${failures.length} failing cases, first 15:`,
    ...failures.slice(0, 15).map((f) => `  ${f.fuzzCase.label} -> ${f.problem}`),
  ].join('\n');
}
