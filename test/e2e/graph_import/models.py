"""The four reference models of the graph import tests and bench/graph, built in torch with random weights
(small dims: a few emulator compiles each). Each is written the way its family's reference code writes it,
so the ONNX exporter and torch.fx produce the decomposed forms real models produce:

  llama  LLaMA-style decoder block: RMSNorm (x * rsqrt(mean(x^2) + eps) * w), rotate-half RoPE from
         cos/sin buffers, causal attention with an additive -inf mask buffer, SwiGLU MLP (w2(silu(w1 x) * w3 x)), residuals, no biases.
  gpt2   GPT-2-style block: LayerNorm, fused c_attn projection split into q/k/v, masked_fill causal mask,
         tanh-GELU written out as GPT-2's NewGELU, matmul+bias everywhere, residuals.
  vit    ViT encoder block: LayerNorm, qkv projection reshaped/permuted (timm's form), unmasked attention,
         nn.GELU (erf) MLP, residuals.
  resnet ResNet basic block: conv3x3-BN-ReLU, conv3x3-BN, + identity, ReLU (eval mode).
  mlp    MLP on a 2-D batch: Linear-GELU-Linear-ReLU-Linear (the ONNX exporter emits Gemm with transB).
Extra models (EXTRA, one target each): gqa, a LLaMA attention with token embedding input and grouped-query
K/V heads repeated by expand; stem, a ResNet stem (conv7x7/2-BN-ReLU, max pool 3x3/2, global average pool,
Linear head) with a second, permuted output (a strided copy kernel)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(1.0 + 0.1 * torch.randn(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class LlamaBlock(nn.Module):
    def __init__(self, seq=8, dim=32, heads=2, ffn=64):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.attention_norm, self.ffn_norm = RMSNorm(dim), RMSNorm(dim)
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.w1, self.w3 = nn.Linear(dim, ffn, bias=False), nn.Linear(dim, ffn, bias=False)
        self.w2 = nn.Linear(ffn, dim, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1))
        inv_freq = 1.0 / (10000 ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        freqs = torch.outer(torch.arange(seq).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos_cached", emb.cos())
        self.register_buffer("sin_cached", emb.sin())

    def forward(self, x):
        b, s, d = x.shape
        h = self.attention_norm(x)
        q = self.wq(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.wk(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        v = self.wv(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        cos, sin = self.cos_cached[:s], self.sin_cached[:s]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = scores + self.mask[:s, :s]
        p = F.softmax(scores.float(), dim=-1).type_as(q)
        o = torch.matmul(p, v).transpose(1, 2).contiguous().view(b, s, d)
        h = x + self.wo(o)
        n = self.ffn_norm(h)
        return h + self.w2(F.silu(self.w1(n)) * self.w3(n))


class NewGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Block(nn.Module):
    def __init__(self, seq=8, dim=32, heads=2):
        super().__init__()
        self.n_head, self.n_embd = heads, dim
        self.ln_1, self.ln_2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.c_attn, self.c_proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.c_fc, self.mlp_proj = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)
        self.act = NewGELU()
        self.register_buffer("bias", torch.tril(torch.ones(seq, seq)).view(1, 1, seq, seq))

    def attn(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(self.act(self.c_fc(self.ln_2(x))))


class ViTBlock(nn.Module):
    def __init__(self, tokens=8, dim=32, heads=2, mlp=64):
        super().__init__()
        self.num_heads, self.scale = heads, (dim // heads) ** -0.5
        self.norm1, self.norm2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc1, self.act, self.fc2 = nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim)

    def attention(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class ResNetBasicBlock(nn.Module):
    def __init__(self, channels=4):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        for bn in (self.bn1, self.bn2):  # non-trivial running statistics, as a trained model has
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)
            bn.weight.data.uniform_(0.8, 1.2)
            bn.bias.data.uniform_(-0.1, 0.1)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class MLP(nn.Module):
    def __init__(self, dim=16, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, dim))

    def forward(self, x):
        return self.net(x)


# name -> (constructor, example input shape, fusions the report must show on M3)
MODELS = {
    "llama": (LlamaBlock, (1, 8, 32), ["flash_attention", "swiglu"]),
    "gpt2": (GPT2Block, (1, 8, 32), ["flash_attention", "matmul_bias_act"]),
    "vit": (ViTBlock, (1, 8, 32), ["flash_attention", "matmul_bias_act"]),
    "resnet": (ResNetBasicBlock, (1, 4, 6, 6), ["conv_bn_relu"]),
    "mlp": (MLP, (4, 16), ["matmul_bias_act"]),
}


class GQAttention(LlamaBlock):
    def __init__(self, vocab=50, dim=32, heads=2):
        super().__init__(dim=dim, heads=heads)
        self.emb = nn.Embedding(vocab, dim)
        self.wk, self.wv = nn.Linear(dim, dim // heads, bias=False), nn.Linear(dim, dim // heads, bias=False)

    def forward(self, ids):
        x = self.emb(ids)
        b, s, d = x.shape
        h = self.attention_norm(x)
        q = self.wq(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.wk(h).view(b, s, 1, self.head_dim).transpose(1, 2)
        v = self.wv(h).view(b, s, 1, self.head_dim).transpose(1, 2)
        k = k[:, :, None, :, :].expand(b, 1, self.heads, s, self.head_dim).reshape(b, self.heads, s, self.head_dim)
        v = v[:, :, None, :, :].expand(b, 1, self.heads, s, self.head_dim).reshape(b, self.heads, s, self.head_dim)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim) + self.mask[:s, :s]
        o = torch.matmul(F.softmax(scores, dim=-1), v).transpose(1, 2).contiguous().view(b, s, d)
        return x + self.wo(o)


class ResNetStem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 7, stride=2, padding=3, bias=False)
        self.bn, self.relu = nn.BatchNorm2d(4), nn.ReLU()
        self.pool, self.avg, self.fc = nn.MaxPool2d(3, stride=2, padding=1), nn.AdaptiveAvgPool2d(1), nn.Linear(4, 5)
        self.bn.running_mean.uniform_(-0.2, 0.2)
        self.bn.running_var.uniform_(0.5, 1.5)

    def forward(self, x):
        h = self.pool(self.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(self.avg(h), 1)), h.permute(0, 2, 3, 1)


# name -> (constructor, example input (shape, or ("ids", shape, vocab)), target, fusions the report must show)
EXTRA = {
    "gqa": (GQAttention, ("ids", (1, 8), 50), "m3", ["flash_attention"]),
    "stem": (ResNetStem, (1, 3, 12, 12), "m1", ["conv_bn_relu"]),
}


def build(name, seed=0):
    """(module in eval mode, example input) with deterministic random weights and input."""
    ctor, shape = (MODELS[name][0], MODELS[name][1]) if name in MODELS else (EXTRA[name][0], EXTRA[name][1])
    torch.manual_seed(seed)
    module = ctor().eval()
    x = torch.randint(0, shape[2], shape[1]) if shape[0] == "ids" else torch.randn(*shape)
    return module, x
