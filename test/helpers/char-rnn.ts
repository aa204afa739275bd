/**
 * charnn train's defaults before issue 17 measured new ones (char-rnn's schedule and a rate of
 * 0.002; batch sizes are given by every test that trains). Tests written against them, whose
 * fixtures or assertions depend on a constant rate or on a run whose length does not shape its
 * rates (a split and resumed run), name them.
 */
export const CHAR_RNN = { schedule: 'char-rnn', lr: 2e-3 } as const;

/** The same as flags of charnn train. */
export const CHAR_RNN_FLAGS = ['--schedule', 'char-rnn', '--lr', '0.002'];
