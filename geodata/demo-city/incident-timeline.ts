import { DISPUTE_CATEGORIES, MEDIATION_FAILURES_TO_ESCALATE, RED_DISPATCH_MINUTES } from '../../server/contract/incident-workflow.js';
import type { WorkingCalendar } from '../../server/workflow/working-calendar.js';
import type { DemoIncident, DemoStatus, Urgency } from './incident-mix.js';
import type { Random } from './random.js';

/**
 * The workflow story of one demo incident, drawn in JS while the incident is
 * drawn: when it was filed, dispatched, started, mediated, resolved and
 * closed, its deadline, and which timed alerts have already fired. The whole
 * story is planned first, then cut at `now`; the status is simply how far it
 * has got. SQL (incident-batch.sql) turns these moments into the incident's
 * columns, assignments, mediations and history, so the two always agree.
 *
 * Times are epoch ms; null means "has not happened (yet)".
 */
export interface Timeline {
  status: DemoStatus;
  /** Current urgency: a blue dispute is yellow after its third failed mediation. */
  urgency: Urgency;
  filedAt: number | null;
  dispatchedAt: number | null;
  dueAt: number | null;
  /** When the last unit resolved its part. */
  resolvedAt: number | null;
  closedAt: number | null;
  redAlertedAt: number | null;
  overdueNotifiedAt: number | null;
  /** The latest moment of the story. */
  updatedAt: number;
  /** Empty until dispatch; the first unit always starts first. */
  units: UnitWork[];
  /** Failed mediations so far; the third escalates the dispute. */
  mediations: number[];
}

export interface UnitWork {
  /** A unit type; the SQL turns street_office into the incident's own street office. */
  type: string;
  startedAt: number | null;
  resolvedAt: number | null;
}

export interface CategoryRule {
  unitType: string;
  deadlineHours: number;
  /** Unit type also sent to some complex (yellow) incidents of this category, if any. */
  partnerType: string | null;
}

const MINUTE = 60_000;
/** Share of blue disputes whose mediations fail three times. */
const ESCALATING_DISPUTES = 0.1;
/** Share of yellow incidents dispatched to two units at once. */
const TWO_UNIT_SHARE = 0.3;

/** A log-normal duration around `median`, capped so no tail breaks the week-old-is-closed rule. */
function lognormal(random: Random, median: number, sigma: number): number {
  return median * Math.min(8, Math.exp(random.normal() * sigma));
}

/** Whole milliseconds, as the database keeps them, so JS and SQL compare moments alike. */
const ms = Math.round;

export function drawTimeline(incident: DemoIncident, rule: CategoryRule, nowDate: Date, calendar: WorkingCalendar, random: Random): Timeline {
  const now = nowDate.getTime();
  const reported = incident.reportedAt.getTime();
  const red = incident.urgency === 'red';
  // The command centre works round the clock: filing and dispatch take
  // minutes, red ones fewest, though some red ones still miss the 30 minutes.
  const filed = ms(reported + lognormal(random, red ? 3 : 15, 0.8) * MINUTE);
  const waiting = incident.fate.kind === 'waiting_red';
  const dispatched = ms(filed + lognormal(random, red ? 7 : incident.urgency === 'yellow' ? 40 : 30, 0.9) * MINUTE);
  // Alerts fire at the first sweep (every minute) after their moment.
  const redAlertAt = ms(reported + RED_DISPATCH_MINUTES * MINUTE + random.next() * MINUTE);
  const overdueLag = ms(random.next() * MINUTE);

  const plan = waiting ? null : planWork(incident, rule, dispatched, calendar, random);
  if (plan && incident.fate.kind === 'closes' && plan.closed > now - MINUTE) compress(plan, dispatched, now, random);

  // Cut the plan at now, and at the stage a stuck incident never got past.
  const stage = incident.fate.kind === 'stuck' ? incident.fate.stage : 'closed';
  const upTo = (t: number | null, allowed = true) => (t !== null && allowed && t <= now ? t : null);
  const filedAt = upTo(filed);
  const dispatchedAt = plan ? upTo(dispatched) : null;
  const units: UnitWork[] =
    dispatchedAt === null || !plan
      ? []
      : plan.units.map((u) => ({
          type: u.type,
          startedAt: upTo(u.started, stage !== 'dispatched'),
          resolvedAt: upTo(u.resolved, stage !== 'dispatched' && stage !== 'in_progress'),
        }));
  const resolvedAt = units.length && units.every((u) => u.resolvedAt !== null) ? Math.max(...units.map((u) => u.resolvedAt!)) : null;
  const closedAt = resolvedAt !== null && plan ? upTo(plan.closed, stage === 'closed') : null;
  const mediations = units[0]?.startedAt != null ? plan!.mediations.filter((t) => upTo(t, stage !== 'dispatched') !== null) : [];
  const started = units.some((u) => u.startedAt !== null);
  const status: DemoStatus =
    closedAt !== null
      ? 'closed'
      : resolvedAt !== null
        ? 'resolved'
        : started
          ? 'in_progress'
          : dispatchedAt !== null
            ? 'dispatched'
            : filedAt !== null
              ? 'filed'
              : 'reported';

  const dueAt = dispatchedAt !== null ? plan!.due : null;
  // 督办 goes out once the deadline passes while work is still open.
  const overdue = dueAt === null ? null : upTo(dueAt + overdueLag);
  const overdueNotifiedAt = overdue !== null && (resolvedAt === null || overdue < resolvedAt) ? overdue : null;
  const redAlert = red ? upTo(redAlertAt) : null;
  const redAlertedAt = redAlert !== null && (dispatchedAt === null || redAlert < dispatchedAt) ? redAlert : null;
  const escalated = mediations.length === MEDIATION_FAILURES_TO_ESCALATE;

  const moments = [
    reported,
    filedAt,
    dispatchedAt,
    closedAt,
    redAlertedAt,
    overdueNotifiedAt,
    ...mediations,
    ...units.flatMap((u) => [u.startedAt, u.resolvedAt]),
  ];
  return {
    status,
    urgency: escalated ? 'yellow' : incident.urgency,
    filedAt,
    dispatchedAt,
    dueAt,
    resolvedAt,
    closedAt,
    redAlertedAt,
    overdueNotifiedAt,
    updatedAt: Math.max(...moments.map((t) => t ?? reported)),
    units,
    mediations,
  };
}

interface WorkPlan {
  due: number;
  units: { type: string; started: number; resolved: number }[];
  mediations: number[];
  closed: number;
}

/**
 * Everything after dispatch, planned to completion. Units work in working
 * hours: they start within the first fifth of the time allowed and most
 * finish in under half of it; about one in fourteen finishes late.
 */
function planWork(incident: DemoIncident, rule: CategoryRule, dispatched: number, calendar: WorkingCalendar, random: Random): WorkPlan {
  const hours = rule.deadlineHours;
  const at = (fraction: number) => calendar.addWorkingHours(new Date(dispatched), hours * fraction).getTime();
  const escalates = incident.urgency === 'blue' && DISPUTE_CATEGORIES.includes(incident.category) && random.next() < ESCALATING_DISPUTES;
  const twoUnits = incident.urgency === 'yellow' && random.next() < TWO_UNIT_SHARE && rule.partnerType !== null;
  const finish = (start: number) => Math.max(start + 0.05, lognormal(random, incident.urgency === 'red' ? 0.3 : 0.45, 0.55) * (escalates ? 1.5 : 1));

  const start1 = random.range(0.02, 0.2);
  const done1 = finish(start1);
  const units = [{ type: rule.unitType, started: at(start1), resolved: at(done1) }];
  if (twoUnits && rule.partnerType) {
    const start2 = start1 + random.range(0.01, 0.15);
    const done2 = at(finish(start2));
    // Distinct moments, so "the last unit to resolve" is well defined.
    units.push({ type: rule.partnerType, started: at(start2), resolved: done2 === units[0]!.resolved ? done2 + 1000 : done2 });
  }
  // Failed mediations spread over the work, each one a working-time step apart.
  const mediations = escalates ? [1, 2, 3].map((k) => at(start1 + ((done1 - start1) * k) / 4)) : [];
  const resolved = Math.max(...units.map((u) => u.resolved));
  // Verification by the command centre, round the clock.
  return { due: at(1), units, mediations, closed: ms(resolved + lognormal(random, 90, 0.8) * MINUTE) };
}

/**
 * An old incident that must be closed by now but whose plan runs past it
 * (long deadlines, holidays): squeeze everything after dispatch into the
 * time there was, keeping the order.
 */
function compress(plan: WorkPlan, dispatched: number, now: number, random: Random): void {
  const target = dispatched + (now - MINUTE - dispatched) * random.range(0.3, 0.95);
  const k = (target - dispatched) / (plan.closed - dispatched);
  if (!(k > 0 && k < 1)) return; // dispatched only just now: it will simply not be closed yet
  const squeeze = (t: number) => ms(dispatched + (t - dispatched) * k);
  for (const u of plan.units) {
    u.started = squeeze(u.started);
    u.resolved = squeeze(u.resolved);
  }
  const [first, second] = plan.units;
  if (second && second.resolved === first!.resolved) second.resolved += 1;
  plan.mediations = plan.mediations.map(squeeze);
  plan.closed = squeeze(plan.closed);
}
