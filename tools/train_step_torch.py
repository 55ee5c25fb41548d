"""ResNet-50 training-step time under Debian's PyTorch, the reference for `dotnet run --project Samples -c Release -- train-step`.

Same step: torchvision resnet50, batch 8, 224x224, SGD (lr 0.01, momentum 0.9), cross-entropy, 2 threads;
one warm-up step, then the median of N timed steps. Usage: /usr/bin/python3 tools/train_step_torch.py [steps]
"""
import statistics
import sys
import time

import torch
import torchvision

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
torch.set_num_threads(2)
torch.manual_seed(0)
net = torchvision.models.resnet50()
net.train()
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss = torch.nn.CrossEntropyLoss()
x = torch.randn(8, 3, 224, 224)
t = torch.randint(0, 1000, (8,))
times = []
for s in range(steps + 1):
    start = time.perf_counter()
    opt.zero_grad()
    l = loss(net(x), t)
    l.backward()
    opt.step()
    ms = (time.perf_counter() - start) * 1000
    if s > 0:
        times.append(ms)
print(f"torch {torch.__version__}: training step median {statistics.median(times):.1f} ms (steps {', '.join(f'{v:.0f}' for v in times)})")
