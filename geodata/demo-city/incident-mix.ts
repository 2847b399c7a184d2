import { apportion, cumulativeSum, type Random } from './random.js';

/**
 * How often each category is reported, and how often it is red or yellow.
 * `partner` is the unit type a yellow (complex) incident is sometimes also
 * dispatched to, e.g. the traffic police alongside road repairs.
 */
export const CATEGORY_MIX = [
  { code: 'uncollected_garbage', partner: 'urban_management', weight: 20, red: 0.01, yellow: 0.05, text: '垃圾桶满溢未及时清运' },
  { code: 'road_damage', partner: 'traffic_police', weight: 12, red: 0.04, yellow: 0.12, text: '路面坑洼破损，影响通行' },
  { code: 'public_service', partner: 'health_commission', weight: 12, red: 0.005, yellow: 0.08, text: '居民咨询社保与证照办理' },
  { code: 'neighbour_dispute', partner: 'public_security', weight: 10, red: 0.02, yellow: 0.15, text: '邻里因噪音和占道产生纠纷' },
  { code: 'illegal_parking', partner: 'urban_management', weight: 9, red: 0.01, yellow: 0.04, text: '车辆占用消防通道' },
  { code: 'water_leak', partner: 'urban_management', weight: 7, red: 0.08, yellow: 0.2, text: '供水管道破裂漏水' },
  { code: 'cooking_fume', partner: 'urban_management', weight: 6, red: 0.005, yellow: 0.1, text: '餐饮店油烟直排扰民' },
  { code: 'streetlight_fault', partner: 'street_office', weight: 6, red: 0.01, yellow: 0.05, text: '路灯不亮' },
  { code: 'noise', partner: 'ecology_environment', weight: 5, red: 0.01, yellow: 0.06, text: '夜间施工噪声扰民' },
  { code: 'illegal_construction', partner: 'street_office', weight: 4, red: 0.03, yellow: 0.3, text: '楼顶违章搭建' },
  { code: 'drainage_blockage', partner: 'urban_management', weight: 4, red: 0.06, yellow: 0.2, text: '雨水井堵塞积水' },
  { code: 'safety_hazard', partner: 'street_office', weight: 3, red: 0.2, yellow: 0.3, text: '电动车楼道充电存在火灾隐患' },
  { code: 'epidemic_check', partner: 'street_office', weight: 2, red: 0.05, yellow: 0.4, text: '外地返乡人员健康核查' },
] as const;

const CATEGORY_CUMULATIVE = cumulativeSum(CATEGORY_MIX.map((c) => c.weight));

// Reports follow the working day: a morning and an afternoon peak, few at night.
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.3, 0.4, 0.8, 2, 4, 7, 9, 9, 8, 5, 4, 6, 8, 8, 7, 5, 4, 3, 2.5, 2, 1.5];
const HOUR_CUMULATIVE = cumulativeSum(HOUR_WEIGHTS);
// Monday..Sunday: fewer reports at weekends, when fewer grid workers patrol.
const WEEKDAY_WEIGHTS = [1.1, 1.05, 1, 1, 1, 0.7, 0.6];

export type Urgency = 'red' | 'yellow' | 'blue';
export type DemoStatus = 'reported' | 'filed' | 'dispatched' | 'in_progress' | 'resolved' | 'closed';
/** A stage an old incident may be stuck in (the 0.7% not closed). */
export type StuckStage = 'dispatched' | 'in_progress' | 'resolved';

/**
 * How an incident's story ends: closed however long it takes (old ones),
 * wherever it has got to by now (the last week), stuck at a stage, or a red
 * report still waiting for dispatch.
 */
export type Fate = { kind: 'closes' } | { kind: 'unfolds' } | { kind: 'stuck'; stage: StuckStage } | { kind: 'waiting_red' };

export interface DemoIncident {
  category: string;
  /** As reported; a dispute whose mediations fail is yellow by now (see incident-timeline.ts). */
  urgency: Urgency;
  description: string;
  reportedAt: Date;
  fate: Fate;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const STUCK_STAGES: StuckStage[] = ['dispatched', 'in_progress', 'resolved'];

const LOCAL_OFFSET_MS = 8 * HOUR_MS; // China Standard Time, UTC+8

/** Local midnight (UTC+8) of the day containing `t`, as epoch ms. */
export function localMidnight(t: number): number {
  return Math.floor((t + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
}

/**
 * How many incidents each of the last `days` local days gets, oldest first:
 * `total` split by weekday weight (fewer at weekends), today counted in part.
 */
export function dailyCounts(now: Date, days: number, total: number): { dayStart: number; count: number }[] {
  const today = localMidnight(now.getTime());
  const starts = Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY_MS);
  const weights = starts.map((d) => {
    const weekday = (new Date(d + LOCAL_OFFSET_MS).getUTCDay() + 6) % 7;
    return WEEKDAY_WEIGHTS[weekday]! * rhythmShare(now.getTime() - d);
  });
  return apportion(total, weights).map((count, i) => ({ dayStart: starts[i]!, count }));
}

const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

/**
 * The share of a day's reports made in its first `ms` milliseconds, by the
 * daily rhythm: today, three hours after midnight, holds the few reports of
 * the night (~1.6 %), not an eighth of a day's.
 */
export function rhythmShare(ms: number): number {
  if (ms >= DAY_MS) return 1;
  if (ms <= 0) return 0;
  const hours = ms / HOUR_MS;
  const whole = Math.floor(hours);
  let sum = 0;
  for (let h = 0; h < whole; h++) sum += HOUR_WEIGHTS[h]!;
  return (sum + HOUR_WEIGHTS[whole]! * (hours - whole)) / HOUR_TOTAL;
}

/** A report time on the local day starting at `dayStart`, following the daily rhythm, never after `now`. */
export function reportTimeOn(dayStart: number, now: Date, random: Random): Date {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const t = dayStart + random.weighted(HOUR_CUMULATIVE) * HOUR_MS + random.next() * HOUR_MS;
    if (t <= now.getTime()) return new Date(t);
  }
  return new Date(dayStart); // only just past midnight: nothing later is possible
}

// Of the incidents older than a week, 0.7 % are not closed (the city's 99.3 %),
// but not spread evenly over the year: a unit chases what is a month late, so
// the chance of still being open falls with age, by e every STUCK_DECAY_DAYS.
// STUCK_AT_A_WEEK makes the year's average 0.7 %: the integral of the decay over
// days 7..365, divided by those 358 days.
const STUCK_DECAY_DAYS = 60;
const YEAR_PAST_A_WEEK = 358;
const STUCK_AT_A_WEEK = (0.007 * YEAR_PAST_A_WEEK) / (STUCK_DECAY_DAYS * (1 - Math.exp(-YEAR_PAST_A_WEEK / STUCK_DECAY_DAYS)));

/** The chance that an incident `ageDays` old is still not closed; 0 in its first week (its timeline decides). */
export function stuckChance(ageDays: number): number {
  return ageDays <= 7 ? 0 : STUCK_AT_A_WEEK * Math.exp(-(ageDays - 7) / STUCK_DECAY_DAYS);
}

/**
 * One incident's attributes. Closure depends on age: incidents older than a
 * week are closed 99.3% of the time over the year (the city's reported rate),
 * the rest stuck at a late stage, more of them recent (`stuckChance`); younger
 * ones are wherever their timeline has got to. `waitingRed` makes it a red
 * report nobody has dispatched yet.
 */
export function demoIncident(now: Date, reportedAt: Date, random: Random, waitingRed = false): DemoIncident {
  const mix = CATEGORY_MIX[random.weighted(CATEGORY_CUMULATIVE)]!;
  const u = random.next();
  const urgency: Urgency = waitingRed || u < mix.red ? 'red' : u < mix.red + mix.yellow ? 'yellow' : 'blue';
  const ageDays = (now.getTime() - reportedAt.getTime()) / DAY_MS;
  const fate: Fate = waitingRed
    ? { kind: 'waiting_red' }
    : ageDays <= 7
      ? { kind: 'unfolds' }
      : random.next() >= stuckChance(ageDays)
        ? { kind: 'closes' }
        : { kind: 'stuck', stage: random.pick(STUCK_STAGES) };
  return { category: mix.code, urgency, description: mix.text, reportedAt, fate };
}
