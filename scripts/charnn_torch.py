"""charnn models as PyTorch modules: load a charnn checkpoint, train it further with PyTorch,
and bring it back with `charnn import`. Shown in the README ("Continue in PyTorch"); a test
checks that the README's copy is this file.

A charnn model per direction is an RNN/LSTM/GRU over one-hot characters and a linear decoder,
under the names `rnn.*` and `decoder.*`. A bilstm adds the backward language model under
`backward.` (it reads the text right to left). Ids: 0 is <EOS> (the end of a line), 1 is <UNK>.
"""
import json

import torch
from safetensors import safe_open
from safetensors.torch import load_file
from torch import nn


class CharLM(nn.Module):
    def __init__(self, cell, vocab_size, hidden, layers, dropout=0.0):
        super().__init__()
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]  # nn.RNN: tanh
        self.rnn = recurrent(vocab_size, hidden, layers, batch_first=True, dropout=dropout)
        self.decoder = nn.Linear(hidden, vocab_size)

    def forward(self, ids, state=None):
        """ids: (batch, time) int64 -> logits (batch, time, vocab), state."""
        one_hot = nn.functional.one_hot(ids, self.decoder.out_features).float()
        output, state = self.rnn(one_hot, state)
        return self.decoder(output), state


class BiLM(CharLM):
    """charnn's bilstm: a forward LSTM language model and a backward one."""

    def __init__(self, vocab_size, hidden, layers, dropout=0.0):
        super().__init__("lstm", vocab_size, hidden, layers, dropout)
        self.backward = CharLM("lstm", vocab_size, hidden, layers, dropout)


def load_charnn(path):
    """(model, vocab) from a charnn checkpoint; vocab[i] is the symbol of id i."""
    with safe_open(path, "pt") as f:
        meta = f.metadata()
    config, vocab = json.loads(meta["model"]), json.loads(meta["vocab"])
    size = (config["vocabSize"], config["hidden"], config["layers"], config["dropout"])
    model = BiLM(*size) if config["cell"] == "bilstm" else CharLM(config["cell"], *size)
    # The latest checkpoint of a run also holds charnn's training state: leave it out.
    weights = {k: v for k, v in load_file(path).items() if not k.startswith("charnn.")}
    model.load_state_dict(weights)
    return model, vocab
