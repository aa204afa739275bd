"""charnn models as PyTorch modules: the model.py of `charnn export torch`, shown in the README
("Continue in PyTorch"); a test checks that the README's copy is this file.

A charnn model per direction is an RNN/LSTM/GRU over one-hot characters and a linear decoder,
under the names `rnn.*` and `decoder.*`. A bilstm adds the backward language model under
`backward.` (it reads the text right to left). Ids: 0 is <EOS> (the end of a line), 1 is <UNK>.
"""
from torch import nn

from checkpoint import load_checkpoint


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


def build(config):
    """The module of a charnn model config (cell, vocabSize, hidden, layers, dropout)."""
    size = (config["vocabSize"], config["hidden"], config["layers"], config["dropout"])
    return BiLM(*size) if config["cell"] == "bilstm" else CharLM(config["cell"], *size)


def load_charnn(path):
    """(model, vocab) from a charnn checkpoint; vocab[i] is the symbol of id i."""
    checkpoint = load_checkpoint(path)  # checked as charnn checks it; its training state left out
    model = build(checkpoint["config"])
    model.load_state_dict(checkpoint["params"])
    return model, checkpoint["vocab"]
