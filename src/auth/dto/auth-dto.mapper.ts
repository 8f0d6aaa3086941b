import { fromBase64 } from '../../common/http/base64';
import type { RewrappedMap } from '../../mindmaps/domain/mind-map';
import { fromEnvelopeDto } from '../../common/http/envelope.dto';
import type { KdfParams, KeyBundle } from '../domain/user';
import type { MapEnvelopeDto } from './auth-requests.dto';
import type { KdfParamsDto } from './kdf-params.dto';
import type { KeyBundleInputDto, KeyBundleResponseDto } from './key-bundle.dto';

export function fromKdfDto(dto: KdfParamsDto): KdfParams {
  return { ...dto, algorithm: 'argon2id', salt: fromBase64(dto.salt) };
}

export function toKdfDto(kdf: KdfParams): KdfParamsDto {
  return {
    algorithm: kdf.algorithm,
    salt: kdf.salt.toString('base64'),
    memoryKiB: kdf.memoryKiB,
    iterations: kdf.iterations,
    parallelism: kdf.parallelism,
  };
}

export function fromKeyBundleDto(dto: KeyBundleInputDto): KeyBundle {
  return {
    classicalPublicKey: fromBase64(dto.classicalPublicKey),
    pqPublicKey: fromBase64(dto.pqPublicKey),
    classicalPrivEncrypted: fromBase64(dto.classicalPrivEncrypted),
    pqPrivEncrypted: fromBase64(dto.pqPrivEncrypted),
  };
}

export function toKeyBundleDto(keys: KeyBundle, keyVersion: number): KeyBundleResponseDto {
  return {
    classicalPublicKey: keys.classicalPublicKey.toString('base64'),
    pqPublicKey: keys.pqPublicKey.toString('base64'),
    classicalPrivEncrypted: keys.classicalPrivEncrypted.toString('base64'),
    pqPrivEncrypted: keys.pqPrivEncrypted.toString('base64'),
    keyVersion,
  };
}

export function fromMapEnvelopeDto(dto: MapEnvelopeDto): RewrappedMap {
  return {
    id: dto.id,
    envelope: fromEnvelopeDto(dto.envelope),
    versionEnvelopes: (dto.versionEnvelopes ?? []).map((v) => ({
      previousWrappedDek: fromBase64(v.previousWrappedDek),
      envelope: fromEnvelopeDto(v.envelope),
    })),
  };
}
