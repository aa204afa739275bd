/** The recurrent cells by name. */
import type { Cell, CellName } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

export const CELL_KERNELS: Record<CellName, Cell> = { rnn: rnnCell, lstm: lstmCell, gru: gruCell };
