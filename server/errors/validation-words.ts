import type { FastifySchemaValidationError } from 'fastify';
import type { Words } from './messages.js';

/**
 * A schema validation failure in words: the field (ASCII, as ajv names it:
 * `body.districts.0`, `querystring.limit`) and the reason in English (ajv's
 * own sentence, which clients and tests already know) and Chinese (from the
 * failing keyword and its parameters).
 */
export interface ValidationWords {
  field: string;
  reason: Words;
}

const TYPE_ZH: Record<string, string> = {
  string: '字符串',
  number: '数值',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: 'null',
};

const list = (values: unknown) =>
  [values]
    .flat()
    .map((v) => JSON.stringify(v))
    .join(', ');

function reasonZh(e: FastifySchemaValidationError): string {
  const p = (e.params ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return '缺少必填字段';
    case 'additionalProperties':
      return '不允许此字段';
    case 'type':
      return `应为${String(p.type)
        .split(',')
        .map((t) => TYPE_ZH[t] ?? t)
        .join('或')}`;
    case 'minimum':
      return `不能小于 ${p.limit}`;
    case 'maximum':
      return `不能大于 ${p.limit}`;
    case 'exclusiveMinimum':
      return `必须大于 ${p.limit}`;
    case 'exclusiveMaximum':
      return `必须小于 ${p.limit}`;
    case 'minLength':
      return `长度不能少于 ${p.limit} 个字符`;
    case 'maxLength':
      return `长度不能超过 ${p.limit} 个字符`;
    case 'minItems':
      return `至少需要 ${p.limit} 项`;
    case 'maxItems':
      return `不能超过 ${p.limit} 项`;
    case 'minProperties':
      return `至少需要 ${p.limit} 个字段`;
    case 'maxProperties':
      return `不能超过 ${p.limit} 个字段`;
    case 'uniqueItems':
      return '不能有重复项';
    case 'pattern':
      return '格式不正确';
    case 'format':
      return `应为 ${p.format} 格式`;
    case 'enum':
      return `应为以下之一：${list(p.allowedValues)}`;
    case 'const':
      return `应为 ${list(p.allowedValue)}`;
    case 'anyOf':
    case 'oneOf':
      return '不符合任何一种允许的形式';
    case 'multipleOf':
      return `应为 ${p.multipleOf} 的倍数`;
    default:
      return '取值无效';
  }
}

/** Words for the validation error to show (the first, or whichever a caller judges most relevant). */
export function validationWords(first: FastifySchemaValidationError | undefined, context: string | undefined, fallback: string): ValidationWords {
  if (!first) return { field: context ?? 'request', reason: { en: fallback, zh: '取值无效' } };
  const base = `${context ?? 'request'}${first.instancePath.replaceAll('/', '.')}`;
  const p = (first.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const name = p.missingProperty ?? p.additionalProperty;
  return { field: asciiField(name === undefined ? base : `${base}.${name}`), reason: { en: first.message ?? fallback, zh: reasonZh(first) } };
}

/** Property names are the client's text: keep a named field short and ASCII whatever they hold. */
function asciiField(field: string): string {
  const ascii = field.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > 120 ? `${ascii.slice(0, 120)}...` : ascii;
}
