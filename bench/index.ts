// `npm run bench`: every figure the performance issue asks for, each beside its
// target, printed as tables and written to bench/results.json. Runs against the
// local emulators only (no network), in a few minutes on a 2-core machine.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { run as runBot } from './bot.ts';
import { run as runThroughput } from './client-throughput.ts';
import { run as runPreview } from './preview.ts';
import { formatSection, type Section } from './report.ts';
import { run as runSqlite } from './sqlite.ts';

const RESULTS = new URL('./results.json', import.meta.url);

async function main(): Promise<void> {
  const started = performance.now();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  console.log(`Benchmark on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}\n`);

  const sections: Section[] = [];
  const show = (produced: Section | readonly Section[]) => {
    for (const section of Array.isArray(produced) ? produced : [produced]) {
      sections.push(section);
      console.log(`${formatSection(section)}\n`);
    }
  };
  show(await runBot());
  show(await runPreview());
  show(await runThroughput());
  show(await runSqlite());

  const judged = sections.flatMap((section) => section.figures).filter((figure) => figure.met !== undefined);
  const met = judged.filter((figure) => figure.met === true).length;
  const elapsedS = (performance.now() - started) / 1000;
  console.log(`Targets met: ${met} of ${judged.length}. Whole run: ${elapsedS.toFixed(0)} s.`);
  for (const missed of judged.filter((figure) => figure.met === false)) console.log(`  MISSED: ${missed.name} = ${missed.value.toFixed(2)} ${missed.unit} (target ${missed.target})`);

  writeFileSync(RESULTS, `${JSON.stringify({ ranAt: new Date().toISOString(), elapsedS, machine, targetsMet: met, targets: judged.length, sections }, null, 2)}\n`);
  console.log(`Written: bench/results.json`);
}

await main();
