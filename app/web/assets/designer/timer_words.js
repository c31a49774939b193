/* A timer definition in words: "PT45M" -> "45 分钟后". The value is what SpiffWorkflow evaluates:
 * a Python expression, usually a quoted ISO-8601 literal ("PT45M", "2026-12-31T09:00:00+08:00",
 * "R3/PT1H") or an expression naming a process variable (sla_due["response"]). */

const UNITS = [
  ["Y", "年", "year"], ["M", "个月", "month"], ["W", "周", "week"], ["D", "天", "day"],
  ["H", "小时", "hour"], ["TM", "分钟", "minute"], ["S", "秒", "second"],
];
const DURATION = /^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const CYCLE = /^R(\d*)\/(.+)$/;
const ISO_LIKE = /^(P[\dTYMWDHS.]+|R\d*\/.+|\d{4}-\d{2}-\d{2}.*)$/;

/** The literal inside a Python string literal, or null for any other expression. */
export function literal(expression) {
  const text = (expression || "").trim();
  const match = /^(['"])(.*)\1$/s.exec(text);
  return match && !match[2].includes(match[1]) ? match[2] : null;
}

function durationWords(text, zh) {
  const match = DURATION.exec(text);
  if (!match) return null;
  const parts = [];
  UNITS.forEach(([, zhUnit, enUnit], i) => {
    const n = match[i + 1];
    if (n && Number(n) !== 0) parts.push(zh ? `${n} ${zhUnit}` : `${n} ${enUnit}${Number(n) === 1 ? "" : "s"}`);
  });
  if (!parts.length) parts.push(zh ? "0 秒" : "0 seconds");
  return parts.join(zh ? " " : ", ");
}

/**
 * { words, error } for a timer of `type` ("timeDate", "timeDuration", "timeCycle") whose
 * expression is `expression`; `zh` chooses Chinese.
 */
export function timerWords(type, expression, zh) {
  const text = (expression || "").trim();
  if (!text) return { error: zh ? "未设置定时" : "No timer value" };
  const value = literal(text);
  if (value === null) {
    if (ISO_LIKE.test(text)) {
      return { error: zh ? `须加引号：“${text}” 会被当作变量名` : `Quote it: "${text}" would be read as a variable name` };
    }
    return { words: zh ? `由表达式 ${text} 给出的时间` : `the time the expression ${text} gives` };
  }
  if (type === "timeDuration") {
    const words = durationWords(value, zh);
    if (words) return { words: zh ? `${words}后` : `after ${words}` };
  } else if (type === "timeDate") {
    if (DATE.test(value) && !Number.isNaN(Date.parse(value.replace(" ", "T")))) {
      return { words: zh ? `于 ${value.replace("T", " ")}` : `at ${value.replace("T", " ")}` };
    }
  } else if (type === "timeCycle") {
    const match = CYCLE.exec(value);
    const every = match && durationWords(match[2], zh);
    if (every) {
      const times = match[1];
      if (zh) return { words: `每 ${every}一次，${times ? `共 ${times} 次` : "不限次数"}` };
      return { words: `every ${every}, ${times ? `${times} times` : "without end"}` };
    }
  }
  const expected = { timeDuration: "PT45M", timeDate: "2026-12-31T09:00:00+08:00", timeCycle: "R3/PT1H" }[type] || "PT45M";
  return { error: zh ? `无法解析的时间“${value}”（例如 "${expected}"）` : `Cannot parse "${value}" (e.g. "${expected}")` };
}
