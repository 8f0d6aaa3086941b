import { randomBytes } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MindvaultApi, parseDocument, Vault } from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FAST_KDF, doc } from '../utils/sdk';

/** The readable whole-account archive, made from a real account on the real server. */
describe('client SDK: account archive (zip)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  async function collect(chunks: AsyncIterable<Uint8Array>, events: string[] = []): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) {
      parts.push(chunk);
      events.push('chunk');
    }
    return Buffer.concat(parts);
  }

  it('holds every map as JSON, Markdown and OPML, every version with its pin and name, and non-ASCII titles as they are', async () => {
    const email = `zip-${randomBytes(6).toString('hex')}@example.com`;
    const vault = await Vault.register(new MindvaultApi({ baseUrl: t.baseUrl }), { email, password: 'zip it all' }, FAST_KDF);
    const lisbon = await vault.createMap({ title: 'Ideen für Lissabon ✈' });
    const v1 = await vault.push(lisbon.id, doc('erste <Fassung> & "mehr"'));
    const v2 = await vault.push(lisbon.id, doc('zweite'), { ifMatch: v1.versionId });
    const v3 = await vault.push(lisbon.id, doc('dritte'), { ifMatch: v2.versionId });
    await vault.markVersion(lisbon.id, v1.versionId, { pinned: true, label: 'Vor der Reise 🧳' });
    const tokyo = await vault.createMap({ title: '東京: 計画/メモ' });
    await vault.push(tokyo.id, doc('寿司'));
    await vault.createMap({ title: 'Never saved' });

    const events: string[] = [];
    const zipped = await collect(vault.exportArchive({ allVersions: true, onProgress: (p) => events.push(`map ${p.mapsDone}/${p.mapsTotal}`) }), events);
    // Streamed: bytes come out before the last map is read, not in one piece at the end.
    expect(events.indexOf('chunk')).toBeLessThan(events.indexOf('map 3/3'));
    expect(events.filter((e) => e === 'chunk').length).toBeGreaterThan(3);

    const files = unzipSync(zipped);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest).toMatchObject({ format: 'mindvault-archive', formatVersion: 1, account: email, allVersions: true });
    expect(manifest.maps.map((m: { title: string }) => m.title).sort()).toEqual(['Ideen für Lissabon ✈', 'Never saved', '東京: 計画/メモ'].sort());

    const lisbonEntry = manifest.maps.find((m: { id: string }) => m.id === lisbon.id);
    expect(lisbonEntry.path).toBe('maps/Ideen für Lissabon ✈/Ideen für Lissabon ✈');
    const head = parseDocument(JSON.parse(strFromU8(files[`${lisbonEntry.path}.json`]!)));
    expect(head.root.children[0]!.text).toBe('dritte');
    expect(strFromU8(files[`${lisbonEntry.path}.md`]!)).toBe('# root\n\n- dritte\n');
    expect(strFromU8(files[`${lisbonEntry.path}.opml`]!)).toContain('<outline text="dritte"/>');
    expect(lisbonEntry.versions.map((v: { versionId: string }) => v.versionId)).toEqual([v3.versionId, v2.versionId, v1.versionId]);
    const first = lisbonEntry.versions[2];
    expect(first).toMatchObject({ pinned: true, label: 'Vor der Reise 🧳', isHead: false });
    expect(strFromU8(files[`${first.path}.opml`]!)).toContain('text="erste &lt;Fassung&gt; &amp; &quot;mehr&quot;"');
    expect(parseDocument(JSON.parse(strFromU8(files[`${first.path}.json`]!))).root.children[0]!.text).toBe('erste <Fassung> & "mehr"');

    const tokyoEntry = manifest.maps.find((m: { id: string }) => m.id === tokyo.id);
    // A slash in a title is no folder.
    expect(tokyoEntry.path).toBe('maps/東京 計画 メモ/東京 計画 メモ');
    expect(strFromU8(files[`${tokyoEntry.path}.md`]!)).toContain('- 寿司');
    expect(manifest.maps.find((m: { title: string }) => m.title === 'Never saved')).toMatchObject({ path: null, versions: [] });

    // Without every version: the current files and the manifest's version list only.
    const light = unzipSync(await collect(vault.exportArchive()));
    expect(Object.keys(light).filter((name) => name.includes('/versions/'))).toEqual([]);
    expect(Object.keys(light)).toHaveLength(1 + 2 * 3);
  });
});
