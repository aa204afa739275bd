"""One process or many: the process group torchrun sets up, and the few collectives the trainer needs.

torchrun (or python -m torch.distributed.run) starts the processes and sets RANK, WORLD_SIZE and
LOCAL_RANK; each process then joins the group: gloo between CPUs, nccl between GPUs. Without
torchrun (or with one process) there is no group and every collective is the identity.
"""
import os

import torch
import torch.distributed as dist

from options import UsageError


class Processes:
    def __init__(self, device_choice):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = device_choice == "cuda" or (device_choice == "auto" and torch.cuda.is_available())
        if cuda and not torch.cuda.is_available():
            raise UsageError("--device cuda: CUDA is not available to this PyTorch")
        if cuda:
            self.device = torch.device("cuda", local_rank)
            torch.cuda.set_device(self.device)
        else:
            self.device = torch.device("cpu")
        self.backend = None
        if self.world > 1:
            self.backend = "nccl" if cuda else "gloo"
            dist.init_process_group(self.backend)

    @property
    def main(self):
        """Rank 0: the one process that prints and writes."""
        return self.rank == 0

    def sum(self, value):
        """The sum over the processes of a float (a loss, a flag)."""
        if self.world == 1:
            return float(value)
        t = torch.tensor([float(value)], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return float(t.item())

    def gather_streams(self, local, count, streams):
        """(..., count, H) per process -> (..., streams, H) on every process: the shares in rank order."""
        if self.world == 1:
            return local
        most = -(-streams // self.world)
        padded = torch.zeros(*local.shape[:-2], most, local.shape[-1], dtype=local.dtype, device=local.device)
        padded[..., :count, :] = local
        parts = [torch.empty_like(padded) for _ in range(self.world)]
        dist.all_gather(parts, padded)
        counts = [streams // self.world + (1 if r < streams % self.world else 0) for r in range(self.world)]
        return torch.cat([p[..., :n, :] for p, n in zip(parts, counts)], dim=-2)

    def close(self):
        if self.world > 1 and dist.is_initialized():
            dist.destroy_process_group()
