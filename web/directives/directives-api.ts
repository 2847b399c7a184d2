import type { Static } from 'typebox';
import type { Json } from '../../server/contract/common-schemas.js';
import type { DirectiveSchema, ReminderResult, RoundSchema } from '../../server/contract/directive-schemas.js';
import { apiRequest } from '../shared/api-request.js';
import { districtsOf, regionTree } from '../dispatch/dispatch-api.js';

/** The directive desk's calls to the API (server/routes/directive-routes.ts), typed from the contract's schemas. */
export type Directive = Json<Static<typeof DirectiveSchema>>;
export type Round = Json<Static<typeof RoundSchema>>;
export type DistrictRow = Round['districts'][number];
export type Reminder = Json<Static<typeof ReminderResult>>;

export interface NewDirective {
  title: string;
  body: string;
  deadline: string;
  districts?: string[];
  daily_until?: string;
  attachment?: { filename: string; csv: string };
}

export interface Answer {
  district: string;
  kind: 'report' | 'zero_report';
  text?: string;
  figures?: { label: string; value: number }[];
}

export const listDirectives = (signal?: AbortSignal) =>
  apiRequest<{ directives: Directive[] }>('GET', '/api/directives', { query: { status: 'all', limit: 50 }, signal }).then((r) => r.directives);

export const roundsOf = (id: number, signal?: AbortSignal) =>
  apiRequest<{ rounds: Round[] }>('GET', `/api/directives/${id}/rounds`, { signal }).then((r) => r.rounds);

export const createDirective = (csrf: string | null, body: NewDirective) => apiRequest<Directive>('POST', '/api/directives', { csrf, body });

export const answerRound = (csrf: string | null, id: number, round: number, body: Answer) =>
  apiRequest<{ rounds: Round[] }>('POST', `/api/directives/${id}/rounds/${round}/answers`, { csrf, body });

export const remind = (csrf: string | null, id: number, round: number) =>
  apiRequest<Reminder>('POST', `/api/directives/${id}/reminders`, { csrf, body: { round } });

/** The districts the caller may address, from the (scoped) region tree the dispatch console reads. */
export async function districtList(): Promise<{ code: string; name: string; name_en: string | null }[]> {
  return districtsOf(await regionTree()).map((d) => ({ code: d.code, name: d.name, name_en: d.name_en ?? null }));
}
