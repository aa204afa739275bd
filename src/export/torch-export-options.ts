/**
 * Everything `charnn export torch` can be told: one table (src/options/option-spec.ts) from which
 * come its flags and their checks. The model is the command's -m, as for every command that
 * reads one.
 */
import { optionalReal, optionalText, texts, type ValuesOf } from '../options/option-spec.js';

export const EXPORT_TORCH_OPTIONS = {
  corpus: texts(
    '--corpus <file>',
    'text to train on, repeatable: the files one after another (default: the corpus recorded in the model)',
    {
      paths: true,
    },
  ),
  out: optionalText('-o, --out <dir>', 'folder to write (made if missing; an earlier export there is replaced)'),
  valFrac: optionalReal(
    '--val-frac <f>',
    "fraction of the corpus (at its end) held out for validation (default: the model's run's, else 0.1)",
    0,
    1,
    { maxExclusive: true },
  ),
} as const;

export type ExportTorchOptions = ValuesOf<typeof EXPORT_TORCH_OPTIONS>;
