/// <reference path="./class-transformer-storage.d.ts" />
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
// NOTE: class-transformer's metadata storage is not in its main entry; @nestjs/mapped-types reads it the same way.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { FieldError, ValidationFailed } from '../errors/common.errors';

/** Most entries a VALIDATION_FAILED answer lists: enough to fix a request, never a flood. */
export const MAX_VALIDATION_DETAILS = 20;

/**
 * Whitelisting pipe whose failures become the contract's VALIDATION_FAILED with `details`, at
 * most MAX_VALIDATION_DETAILS of them. Cheap on hostile input: an unknown property is refused at
 * the first one found in the body as parsed, before class-transformer copies it into DTO instances
 * (which costs time for every property sent: ~100 ms for a 64 KiB body of unknown ones) and before
 * any rule runs (class-validator's whitelist made one error per unknown property, and an answer
 * listing them all); each field stops at its first failed rule.
 */
export function createValidationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    transform: true,
    exceptionFactory: (errors) => {
      const all = flatten(errors);
      const shown = all.slice(0, MAX_VALIDATION_DETAILS);
      const more = all.length > shown.length ? ` (the first ${shown.length} of ${all.length} problems)` : '';
      return new ValidationFailed(shown, `request validation failed${more}`);
    },
  });
}

class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      // The unknown property first: it stops at one, where the control-character check reads every value.
      const unknown = metadata.metatype ? firstUnknownProperty(value, metadata.metatype) : undefined;
      if (unknown) throw new ValidationFailed([{ field: unknown.path, messages: [`property ${unknown.name} should not exist`] }]);
      const field = firstControlCharacter(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (field !== undefined) throw new ValidationFailed([{ field, messages: [`${field || metadata.type} must not contain control characters`] }]);
    }
    return super.transform(value, metadata);
  }
}

const knownByClass = new Map<Function, Set<string>>();

/** The properties a DTO class declares rules for: the ones the whitelist keeps. */
function knownProperties(type: Function): Set<string> {
  let known = knownByClass.get(type);
  if (!known) {
    known = new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName));
    knownByClass.set(type, known);
  }
  return known;
}

/**
 * Walks the input as parsed beside its DTO class, and stops at the first property a class does not
 * declare: class-validator's rules name a class's properties, class-transformer's @Type the class
 * of a nested object or array's items (a property without one holds a plain value, not walked).
 * Iterative: depth is bounded already (JSON_TOO_DEEP), but a walk should not need the stack to be.
 */
function firstUnknownProperty(root: unknown, rootType: Function): { path: string; name: string } | undefined {
  const pending: { value: unknown; type: Function; path: string }[] = [{ value: root, type: rootType, path: '' }];
  while (pending.length > 0) {
    const { value, type, path } = pending.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push({ value: item, type, path: `${path}.${i}` }));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const known = knownProperties(type);
    if (known.size === 0) continue;
    for (const name of Object.keys(value)) {
      const at = path ? `${path}.${name}` : name;
      if (!known.has(name)) return { path: at, name };
      const nested = defaultMetadataStorage.findTypeMetadata(type, name)?.typeFunction();
      if (typeof nested === 'function') pending.push({ value: (value as Record<string, unknown>)[name], type: nested, path: at });
    }
  }
  return undefined;
}

/**
 * C0 controls (NUL included), DEL and C1 controls: no text the API takes (emails, search terms,
 * ids, base64, cursors) holds one, and PostgreSQL refuses a NUL in text (it was a 500).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The path of the first string holding a control character, in a parsed body, query or params. */
function firstControlCharacter(root: unknown, rootPath: string): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: root, path: rootPath }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (CONTROL.test(value)) return path;
    } else if (typeof value === 'object' && value !== null) {
      for (const [name, item] of Object.entries(value)) pending.push({ value: item, path: path ? `${path}.${name}` : name });
    }
  }
  return undefined;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
