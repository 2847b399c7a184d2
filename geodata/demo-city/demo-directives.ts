import type { Queryable } from '../../server/db/database.js';
import { createDirectiveRepository } from '../../server/repositories/directive-repository.js';

/**
 * Three directives (指令) from the command centre to every district, so the
 * demo's directive board shows each state at once: one closed (every
 * district answered, some late), one in progress (deadline ahead, some still
 * waiting) and one overdue (deadline passed, some still waiting). Times are
 * relative to `now`; every answer falls after its directive was issued and
 * before `now`. Written through the repository, as the API would, but
 * without audit entries or live events: seeding is not anyone's action.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The command centre's demo user (server/auth/demo-users.ts). */
const ISSUER = 'user:commander';

interface PlannedAnswer {
  /** Minutes after the directive was issued. */
  after: number;
  /** A report's text, or null for a zero report (零报告). */
  report: string | null;
}

interface PlannedDirective {
  title: string;
  body: string;
  /** When it was issued, relative to now. */
  issuedAgo: number;
  /** How long the districts had, from issue. */
  allowed: number;
  /** By district, in code order; a district given null, or past the end of the list, is still waiting... */
  answers: (PlannedAnswer | null)[];
  /** ...unless the list repeats for every district (a city with more districts than answers). */
  repeat?: boolean;
}

const PLANS: PlannedDirective[] = [
  {
    title: '报送防汛值守情况',
    body: '入汛以来降雨偏多，请各区县指挥中心于4小时内报送防汛值班值守、物资储备和重点部位巡查情况；无异常情况的报零报告。',
    issuedAgo: 3 * 24 * HOUR,
    allowed: 4 * HOUR,
    repeat: true,
    // The last answers come after the four hours: late, but the directive is closed.
    answers: [
      { after: 35, report: '已落实24小时领导带班值守，储备冲锋舟2艘、沙袋1200袋，沿江3处易涝点已安排专人巡查。' },
      { after: 52, report: null },
      { after: 78, report: '城区排涝泵站试运行正常，辖区2处地下通道已设警示标志，值班表已报送。' },
      { after: 95, report: null },
      { after: 130, report: '对12座小型水库逐一巡查，水位均在汛限以下，已安排巡库员每日两次上报。' },
      { after: 160, report: null },
      { after: 205, report: '山洪灾害危险区转移预案已更新，涉及4个村126户，已完成告知。' },
      { after: 262, report: null },
      { after: 300, report: '河道沿线堤防巡查完毕，发现1处渗漏点已处置，物资仓库清点完成。' },
    ],
  },
  {
    title: '核查今日登记的33名上海来返人员',
    body: '今日共登记上海来返人员33名，名单已下发各区县。请逐一核查健康码、行程卡及核酸检测情况，落实健康监测措施，6小时内反馈；辖区无登记人员的报零报告。',
    issuedAgo: 2 * HOUR,
    allowed: 6 * HOUR,
    answers: [
      { after: 25, report: '辖区登记12人，已全部电话及上门核查，均持48小时内核酸阴性证明，已落实居家健康监测。' },
      null,
      { after: 48, report: null },
      { after: 71, report: '辖区登记9人，已核查7人，另2人尚在途中，已与其取得联系，抵达后立即核查。' },
      null,
      { after: 100, report: null },
    ],
  },
  {
    title: '排查辖区燃气安全隐患',
    body: '请各区县组织对辖区餐饮场所、老旧小区燃气管道及瓶装燃气使用情况开展全面排查，24小时内报送排查结果及整改情况。',
    issuedAgo: 48 * HOUR,
    allowed: 24 * HOUR,
    answers: [
      { after: 6 * 60, report: '排查餐饮场所86家，发现隐患11处，已当场整改8处，其余3处限期3日内整改。' },
      { after: 9 * 60, report: '排查老旧小区14个，更换老化软管230余根，约谈违规存放液化气钢瓶商户2家。' },
      null,
      // Answered six hours after the deadline: late.
      { after: 30 * 60, report: '排查瓶装燃气供应站5家，均证照齐全；发现1处餐饮场所未安装报警装置，已责令整改。' },
      null,
      { after: 20 * 60, report: null },
    ],
  },
];

/** Inserts the demo directives, addressed to every district; returns how many. */
export async function insertDemoDirectives(tx: Queryable, now: Date): Promise<number> {
  const repo = createDirectiveRepository(tx);
  const districts = (await repo.districts(tx)).map((d) => d.code);
  if (districts.length === 0) return 0;
  for (const plan of PLANS) {
    const createdAt = new Date(now.getTime() - plan.issuedAgo);
    const deadline = new Date(createdAt.getTime() + plan.allowed);
    const id = await repo.insert({ title: plan.title, body: plan.body, deadline, createdAt, createdBy: ISSUER, districts }, tx);
    for (const [i, district] of districts.entries()) {
      const answer = plan.repeat ? plan.answers[i % plan.answers.length] : plan.answers[i];
      if (!answer) continue;
      const at = new Date(createdAt.getTime() + answer.after * MINUTE);
      if (at >= now) throw new RangeError(`demo answer to "${plan.title}" would come after now`);
      await repo.answer(
        {
          directiveId: id,
          district,
          status: answer.report === null ? 'zero_report' : 'answered',
          answer: answer.report ?? '',
          at,
          // Demo districts have no users of their own; name the answering centre by its district.
          by: `demo:${district}`,
        },
        tx,
      );
    }
  }
  return PLANS.length;
}
