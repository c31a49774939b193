/* The process designer's BPMN modeler, bundled by esbuild (`make assets`) into
 * app/web/static/dist/designer-modeler.js: bpmn-js with the properties panel (BPMN groups and
 * QiSu's SpiffWorkflow groups), the minimap, token simulation and linting with QiSu's rules.
 * It defines window.BpmnJS (as bpmn-js's own bundle does) and window.QisuLint. */
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import MinimapModule from "diagram-js-minimap";
import TokenSimulationModule from "bpmn-js-token-simulation";
import LintModule from "bpmn-js-bpmnlint";
import { Linter } from "bpmnlint";
import spiffworkflow from "./spiffworkflow.json";
import QisuPropertiesProvider from "./properties.js";
import { lintConfig, RULE_NAMES } from "./lint.js";
import { timerWords } from "./timer_words.js";

const QisuPropertiesModule = {
  __init__: ["qisuPropertiesProvider"],
  qisuPropertiesProvider: ["type", QisuPropertiesProvider],
};

export default class QisuModeler extends Modeler {}
QisuModeler.prototype._modules = [
  ...Modeler.prototype._modules,
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, QisuPropertiesModule,
  MinimapModule, TokenSimulationModule, LintModule,
];
QisuModeler.prototype._moddleExtensions = { spiffworkflow };

/* Lint definitions (a modeler's, or any moddle tree) outside the canvas overlay:
 * [{ rule, element_id, message }]. */
async function lint(definitions, catalog) {
  const linter = new Linter(lintConfig(catalog));
  const results = await linter.lint(definitions);
  const out = [];
  Object.entries(results).forEach(([rule, reports]) => reports.forEach((r) => {
    out.push({ rule: rule.replace(/^qisu\//, ""), element_id: r.id, message: r.message });
  }));
  return out;
}

window.BpmnJS = QisuModeler;
window.QisuLint = { config: lintConfig, lint, rules: RULE_NAMES, timerWords };
