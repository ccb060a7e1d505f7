#!/usr/bin/env python3
"""Writes the small hand-made network pickles in tests/data/pickles/.

No torch or numpy is needed: tiny stand-in modules are registered in sys.modules under the
names NVIDIA's pickles use (torch._utils, torch.storage, torch_utils.persistence, numpy,
numpy.core.multiarray / numpy._core.multiarray, dnnlib.util, dnnlib.tflib.network), so that
`pickle` writes exactly the globals, opcodes and layouts of real snapshots (reference-stylegan.md
section 3). Nothing here is ever unpickled by Python.

Tensor values follow a formula the Rust tests check: the k-th float32 tensor of a network in
state-dict order holds `k + i/1024` at flat index i (row-major), whatever its storage layout.

Run from the repository root:  python3 tests/data/make_test_pickles.py
"""

import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pickles")


def module(name):
    m = types.ModuleType(name)
    sys.modules[name] = m
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules.get(parent) or module(parent), child, m)
    return m


def fn(mod, name):
    def f(*args):
        raise RuntimeError("stand-in, never called")
    f.__module__ = mod.__name__
    f.__qualname__ = f.__name__ = name
    setattr(mod, name, f)
    return f


def cls(mod, name, base=object):
    c = type(name, (base,), {"__module__": mod.__name__})
    c.__qualname__ = name
    setattr(mod, name, c)
    return c


torch = module("torch")
torch_utils_ = module("torch._utils")
torch_storage = module("torch.storage")
persistence = module("torch_utils.persistence")
dnnlib_util = module("dnnlib.util")
tflib_network = module("dnnlib.tflib.network")
numpy = module("numpy")
np1 = module("numpy.core.multiarray")
np2 = module("numpy._core.multiarray")

rebuild_tensor_v2 = fn(torch_utils_, "_rebuild_tensor_v2")
rebuild_parameter = fn(torch_utils_, "_rebuild_parameter")
load_from_bytes = fn(torch_storage, "_load_from_bytes")
reconstruct_persistent_obj = fn(persistence, "_reconstruct_persistent_obj")
EasyDict = cls(dnnlib_util, "EasyDict", dict)
TfNetwork = cls(tflib_network, "Network")
STORAGE = {name: cls(torch, name) for name in ["FloatStorage", "HalfStorage", "DoubleStorage", "LongStorage", "BoolStorage"]}
np_dtype = cls(numpy, "dtype")
np_ndarray = cls(numpy, "ndarray")
SCALAR = {np1: fn(np1, "scalar"), np2: fn(np2, "scalar")}
RECONSTRUCT = {np1: fn(np1, "_reconstruct"), np2: fn(np2, "_reconstruct")}

MAGIC = 0x1950A86A20F9469CFC6C
SIZES = {"FloatStorage": 4, "HalfStorage": 2, "DoubleStorage": 8, "LongStorage": 8, "BoolStorage": 1}
PACK = {"FloatStorage": "<f", "HalfStorage": "<e", "DoubleStorage": "<d", "LongStorage": "<q", "BoolStorage": "<?"}


class Settings:
    """What the current file is written with."""
    zip_storages = False
    ordered_dicts = False
    numpy_mod = np1
    ada = False


S = Settings()


class _Marker:
    pass


def legacy_payload(kind, key, values):
    buf = io.BytesIO()
    pickle.dump(MAGIC, buf, protocol=2)
    pickle.dump(1001, buf, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}, buf, protocol=2)
    marker = _Marker()

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if obj is marker:
                return ("storage", STORAGE[kind], key, "cpu", len(values), None)
            return None

    P(buf, protocol=2).dump(marker)
    pickle.dump([key], buf, protocol=2)
    buf.write(struct.pack("<q", len(values)))
    for v in values:
        buf.write(struct.pack(PACK[kind], v))
    return buf.getvalue()


def zip_payload(kind, key, values):
    marker = _Marker()
    pkl = io.BytesIO()

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if obj is marker:
                return ("storage", STORAGE[kind], key, "cpu", len(values))
            return None

    P(pkl, protocol=2).dump(marker)
    out = io.BytesIO()
    entries = [("archive/data.pkl", pkl.getvalue()), ("archive/byteorder", b"little"),
               (f"archive/data/{key}", b"".join(struct.pack(PACK[kind], v) for v in values)), ("archive/version", b"3\n")]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2021, 10, 11, 0, 0, 0)), data)  # fixed time: reproducible files
    return out.getvalue()


class Storage:
    counter = 0

    def __init__(self, kind, values):
        Storage.counter += 1
        self.kind, self.key, self.values = kind, str(Storage.counter), values

    def __reduce__(self):
        make = zip_payload if S.zip_storages else legacy_payload
        return (load_from_bytes, (make(self.kind, self.key, self.values),))


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def contiguous_strides(shape):
    strides, acc = [], 1
    for d in reversed(shape):
        strides.insert(0, acc)
        acc *= d
    return tuple(strides)


class Tensor:
    """A tensor view; `layout='transposed'` stores a 2-D tensor column-major after 3 padding elements."""

    def __init__(self, shape, values, kind="FloatStorage", layout="contiguous", param=False):
        self.shape, self.param, self.kind = tuple(shape), param, kind
        if layout == "transposed":
            rows, cols = shape
            data = [-1.0] * 3 + [values[r * cols + c] for c in range(cols) for r in range(rows)]
            self.storage, self.offset, self.stride = Storage(kind, data), 3, (1, rows)
        else:
            self.storage, self.offset, self.stride = Storage(kind, list(values)), 0, contiguous_strides(shape)

    def __reduce__(self):
        view = (rebuild_tensor_v2, (self.storage, self.offset, self.shape, self.stride, False, collections.OrderedDict()))
        if self.param:
            return (rebuild_parameter, (TensorView(view), False, collections.OrderedDict()))
        return view


class TensorView:
    def __init__(self, reduced):
        self.reduced = reduced

    def __reduce__(self):
        return self.reduced


class NpDtype:
    def __init__(self, descr):
        self.descr = descr

    def __reduce__(self):
        return (np_dtype, (self.descr, False, True), (3, "<", None, None, None, -1, -1, 0))


DTYPES = {}


def dtype(descr):
    key = (descr, S.numpy_mod.__name__)
    if key not in DTYPES:
        DTYPES[key] = NpDtype(descr)
    return DTYPES[key]


class NpScalar:
    def __init__(self, descr, fmt, value):
        self.descr, self.raw = descr, struct.pack(fmt, value)

    def __reduce__(self):
        return (SCALAR[S.numpy_mod], (dtype(self.descr), self.raw))


def f8(v):
    return NpScalar("f8", "<d", v)


def b1(v):
    return NpScalar("b1", "<?", v)


class NpArray:
    def __init__(self, values):
        self.values = values

    def __reduce__(self):
        raw = b"".join(struct.pack("<q", v) for v in self.values)
        return (RECONSTRUCT[S.numpy_mod], (np_ndarray, (0,), b"b"), (1, (len(self.values),), dtype("i8"), False, raw))


SOURCE = "# stand-in for the module source text\n"


class Module:
    """A persistent network module: `_reconstruct_persistent_obj(meta)`."""

    def __init__(self, class_name, params=(), buffers=(), children=(), attrs=None, init_args=(), init_kwargs=None):
        self.class_name = class_name
        self.params, self.buffers, self.children = list(params), list(buffers), list(children)
        self.attrs = dict(attrs or {})
        self.init_args, self.init_kwargs = init_args, dict(init_kwargs or {})

    def state(self):
        odict = collections.OrderedDict if S.ordered_dicts else dict
        st = {"training": False}
        st["_parameters"] = odict(self.params)
        st["_buffers"] = odict(self.buffers)
        st["_non_persistent_buffers_set"] = set()
        for hook in ["_backward_hooks", "_forward_hooks", "_forward_pre_hooks", "_state_dict_hooks", "_load_state_dict_pre_hooks"]:
            st[hook] = collections.OrderedDict()
        st["_modules"] = odict(self.children)
        st.update(self.attrs)
        st["_init_args"] = self.init_args
        st["_init_kwargs"] = self.init_kwargs
        return st

    def __reduce__(self):
        meta = {"type": "class", "version": 6, "module_src": SOURCE, "class_name": self.class_name, "state": self.state()}
        return (reconstruct_persistent_obj, (meta,))

    def float_tensors(self):
        """(module, 'params'|'buffers', name) of every float32 tensor, in state-dict order."""
        out = []
        for group in ("params", "buffers"):
            for name, t in getattr(self, group):
                if t is not None and t.kind == "FloatStorage":
                    out.append(t)
        for _, c in self.children:
            out.extend(c.float_tensors())
        return out


class Counter:
    """Hands out tensors filled with `k + i/1024`, k counting in creation (= state-dict) order."""

    def __init__(self):
        self.k = 0

    def __call__(self, *shape, layout="contiguous", param=True):
        values = [self.k + i / 1024 for i in range(numel(shape))]
        self.k += 1
        return Tensor(shape, values, layout=layout, param=param)


def fc(t, in_f, out_f, activation="linear", lr=1.0, bias=True, layout="contiguous"):
    params = [("weight", t(out_f, in_f, layout=layout))]
    if bias:
        params.append(("bias", t(out_f)))
    attrs = {} if S.ada else {"in_features": in_f, "out_features": out_f}
    attrs.update({"activation": activation, "weight_gain": f8(lr / in_f ** 0.5), "bias_gain": lr})
    return Module("FullyConnectedLayer", params=params, attrs=attrs, init_args=(in_f, out_f),
                  init_kwargs=EasyDict(activation=activation, lr_multiplier=lr) if lr != 1 else {})


def mapping(t, z_dim, w_dim, num_ws, num_layers, beta):
    w_avg = t(w_dim, param=False)  # the module's own buffer comes before its children
    layers = [(f"fc{i}", fc(t, z_dim if i == 0 else w_dim, w_dim, "lrelu", 0.01, layout="transposed" if i == 0 else "contiguous"))
              for i in range(num_layers)]
    m = Module("MappingNetwork", children=layers,
               attrs={"z_dim": z_dim, "c_dim": 0, "w_dim": w_dim, "num_ws": num_ws, "num_layers": num_layers, "w_avg_beta": beta},
               init_kwargs={"z_dim": z_dim, "c_dim": 0, "w_dim": w_dim, "num_ws": num_ws, "num_layers": num_layers})
    m.buffers.append(("w_avg", w_avg))
    return m


def sg2_layer(t, cin, cout, w_dim, res, up):
    conv = Module("SynthesisLayer")
    conv.params = [("weight", t(cout, cin, 3, 3)), ("noise_strength", t()), ("bias", t(cout))]
    conv.buffers = [("resample_filter", t(4, 4, param=False)), ("noise_const", t(res, res, param=False))]
    conv.children = [("affine", fc(t, w_dim, cin))]
    attrs = {} if S.ada else {"in_channels": cin, "out_channels": cout, "w_dim": w_dim}
    attrs.update({"resolution": res, "up": up, "use_noise": True, "activation": "lrelu", "conv_clamp": None if S.ada else 256,
                  "padding": 1, "act_gain": f8(2 ** 0.5)})
    conv.attrs = attrs
    return conv


def sg2_torgb(t, cin, w_dim):
    m = Module("ToRGBLayer", params=[("weight", t(3, cin, 1, 1)), ("bias", t(3))], children=[("affine", fc(t, w_dim, cin))],
               attrs={"conv_clamp": None if S.ada else 256, "weight_gain": f8(1 / cin ** 0.5)})
    if not S.ada:
        m.attrs.update({"in_channels": cin, "out_channels": 3, "w_dim": w_dim})
    return m


def sg2_generator():
    t = Counter()
    w, ch = 4, 4
    # Module order follows NVIDIA's Generator: synthesis, then mapping.
    blocks = []
    for res, cin in [(4, 0), (8, ch)]:
        b = Module("SynthesisBlock", attrs={"in_channels": cin, "w_dim": w, "resolution": res, "img_channels": 3, "is_last": res == 8,
                                            "architecture": "skip", "use_fp16": res == 8, "channels_last": False,
                                            "num_conv": 1 if res == 4 else 2, "num_torgb": 1})
        if res == 4:
            b.params = [("const", t(ch, 4, 4))]
        b.buffers = [("resample_filter", t(4, 4, param=False))]
        if res != 4:
            b.children.append(("conv0", sg2_layer(t, cin, ch, w, res, 2)))
        b.children.append(("conv1", sg2_layer(t, ch, ch, w, res, 1)))
        b.children.append(("torgb", sg2_torgb(t, ch, w)))
        blocks.append((f"b{res}", b))
    synthesis = Module("SynthesisNetwork", children=blocks,
                       attrs={"w_dim": w, "img_resolution": 8, "img_resolution_log2": 3, "img_channels": 3,
                              "block_resolutions": [4, 8], "num_ws": 4} | ({} if S.ada else {"num_fp16_res": 1}))
    g_kwargs = {"z_dim": 4, "w_dim": w, "mapping_kwargs": EasyDict(num_layers=2), "c_dim": 0, "img_resolution": 8, "img_channels": 3}
    if S.ada:
        g_kwargs["synthesis_kwargs"] = EasyDict(channel_base=16, channel_max=4, num_fp16_res=1, conv_clamp=None)
    return Module("Generator",
                  children=[("synthesis", synthesis), ("mapping", mapping(t, 4, w, 4, 2, 0.995 if S.ada else 0.998))],
                  attrs={"z_dim": 4, "c_dim": 0, "w_dim": w, "img_resolution": 8, "img_channels": 3, "num_ws": 4},
                  init_kwargs=g_kwargs)


def sg3_layer(t, name, cin, cout, w, in_size, out_size, torgb, radial):
    m = Module("SynthesisLayer")
    k = 1 if torgb else 3
    m.params = [("weight", t(cout, cin, k, k)), ("bias", t(cout))]
    m.buffers = [("magnitude_ema", t(param=False)),
                 ("up_filter", None if torgb else t(12, param=False)),
                 ("down_filter", None if torgb else (t(12, 12, param=False) if radial else t(12, param=False)))]
    m.children = [("affine", fc(t, w, cin))]
    m.attrs = {"w_dim": w, "is_torgb": torgb, "is_critically_sampled": torgb, "use_fp16": b1(not torgb),
               "in_channels": cin, "out_channels": cout, "in_size": NpArray([in_size, in_size]), "out_size": NpArray([out_size, out_size]),
               "in_sampling_rate": 8, "out_sampling_rate": 8, "tmp_sampling_rate": 8 if torgb else 16,
               "in_cutoff": f8(2.0), "out_cutoff": f8(2.5), "in_half_width": f8(2.0), "out_half_width": f8(1.5),
               "conv_kernel": k, "conv_clamp": 256, "magnitude_ema_beta": 0.999,
               "up_factor": 1 if torgb else 2, "up_taps": 1 if torgb else 12, "down_factor": 1 if torgb else 2,
               "down_taps": 1 if torgb else 12, "down_radial": radial,
               "padding": [0, 0, 0, 0] if torgb else [7, -6, 7, -6]}
    return name, m


def sg3_generator():
    t = Counter()
    w = 4
    inp = Module("SynthesisInput", params=[("weight", t(4, 4))],
                 buffers=[("transform", t(3, 3, param=False)), ("freqs", t(4, 2, param=False)), ("phases", t(4, param=False))],
                 children=[("affine", fc(t, w, 4))],
                 attrs={"w_dim": w, "channels": 4, "size": NpArray([12, 12]), "sampling_rate": f8(8.0), "bandwidth": f8(2.0)})
    layers = [sg3_layer(t, "L0_12_4", 4, 4, w, 12, 12, False, True), sg3_layer(t, "L1_8_3", 4, 3, w, 12, 8, True, False)]
    synthesis = Module("SynthesisNetwork", children=[("input", inp)] + layers,
                       attrs={"w_dim": w, "num_ws": 3, "img_resolution": 8, "img_channels": 3, "num_layers": 1, "num_critical": 1,
                              "margin_size": 2, "output_scale": 0.25, "num_fp16_res": 1, "layer_names": [n for n, _ in layers]})
    return Module("Generator", children=[("synthesis", synthesis), ("mapping", mapping(t, 4, w, 3, 1, 0.998))],
                  attrs={"z_dim": 4, "c_dim": 0, "w_dim": w, "img_resolution": 8, "img_channels": 3, "num_ws": 3},
                  init_kwargs={"z_dim": 4, "w_dim": w, "mapping_kwargs": EasyDict(num_layers=1), "c_dim": 0, "img_resolution": 8, "img_channels": 3})


def d_conv(t, cin, cout, k, activation="lrelu", down=1, bias=True, clamp=256, trainable=True):
    weight, b = t(cout, cin, k, k, param=trainable), (t(cout, param=trainable) if bias else None)
    tensors = [("weight", weight)] + ([("bias", b)] if bias else [])
    m = Module("Conv2dLayer", params=tensors if trainable else [], buffers=([] if trainable else tensors) + [("resample_filter", t(4, 4, param=False))],
               attrs={"in_channels": cin, "out_channels": cout, "activation": activation, "up": 1, "down": down, "conv_clamp": clamp,
                      "padding": k // 2, "weight_gain": f8((cin * k * k) ** -0.5), "act_gain": f8(2 ** 0.5 if activation == "lrelu" else 1.0)})
    if not bias:
        m.attrs["bias"] = None
    return m


def discriminator():
    """A complete 8x8 resnet discriminator (b8 block, b4 epilogue) whose first layer is frozen (Freeze-D)."""
    t = Counter()
    block = Module("DiscriminatorBlock", buffers=[("resample_filter", t(4, 4, param=False))],
                   children=[("fromrgb", d_conv(t, 3, 4, 1, trainable=False)), ("conv0", d_conv(t, 4, 4, 3)),
                             ("conv1", d_conv(t, 4, 4, 3, down=2)), ("skip", d_conv(t, 4, 4, 1, "linear", 2, bias=False, clamp=None))],
                   attrs={"in_channels": 0, "resolution": 8, "img_channels": 3, "first_layer_idx": 0, "architecture": "resnet",
                          "use_fp16": False, "channels_last": False, "num_layers": 4})
    mbstd = Module("MinibatchStdLayer", attrs={"group_size": 4, "num_channels": 1})
    epilogue = Module("DiscriminatorEpilogue",
                      children=[("mbstd", mbstd), ("conv", d_conv(t, 5, 4, 3)), ("fc", fc(t, 64, 4, "lrelu")), ("out", fc(t, 4, 1))],
                      attrs={"in_channels": 4, "cmap_dim": 0, "resolution": 4, "img_channels": 3, "architecture": "resnet"})
    return Module("Discriminator", children=[("b8", block), ("b4", epilogue)],
                  attrs={"c_dim": 0, "img_resolution": 8, "img_resolution_log2": 3, "img_channels": 3, "block_resolutions": [8]},
                  init_kwargs={"c_dim": 0, "img_resolution": 8, "img_channels": 3, "block_kwargs": EasyDict(freeze_layers=1)})


def augment_pipe():
    return Module("AugmentPipe", buffers=[
        ("p", Tensor((), [0.25])),
        ("Hz_geom", Tensor((4,), [0.5 * i for i in range(4)], kind="DoubleStorage")),
        ("Hz_fbank", Tensor((2, 3), [i / 4 for i in range(6)], kind="HalfStorage")),
        ("flags", Tensor((3,), [True, False, True], kind="BoolStorage")),
        ("counts", Tensor((3,), [1, 2, 3], kind="LongStorage")),
    ], attrs={"xflip": 1, "rotate90": 1, "brightness_std": 0.2})


TRAINING_SET = {"class_name": "training.dataset.ImageFolderDataset", "path": "datasets/tiny.zip", "use_labels": False,
                "max_size": 10, "xflip": False, "resolution": 8, "random_seed": 0}


def snapshot(make_g, shared_g=True):
    """A snapshot dict. With `shared_g`, G and G_ema are one object (the second is a memo GET),
    which keeps the files small and exercises memo sharing."""
    g_ema = make_g()
    g = g_ema if shared_g else make_g()
    if S.ada:
        # stylegan2-ada-pytorch: training_set_kwargs first, no augment_pipe when it is None.
        return {"training_set_kwargs": dict(TRAINING_SET), "G": g, "D": discriminator(), "G_ema": g_ema}
    return {"G": g, "D": discriminator(), "G_ema": g_ema, "augment_pipe": augment_pipe(),
            "training_set_kwargs": dict(TRAINING_SET), "progress": {"cur_nimg": 1000}}


def write(name, obj, protocol, **settings):
    global S
    S = Settings()
    for k, v in settings.items():
        setattr(S, k, v)
    DTYPES.clear()
    Storage.counter = 0
    data = pickle.dumps(obj() if callable(obj) else obj, protocol=protocol)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


def tf_network(name):
    """A TensorFlow-era `dnnlib.tflib.network.Network`: pickled as NEWOBJ + BUILD(state)."""
    net = TfNetwork()
    net.__dict__.update({"version": 4, "name": name, "static_kwargs": {"resolution": 8}, "components": {},
                         "build_module_src": "# TensorFlow source omitted\n", "build_func_name": "G_main", "variables": []})
    return net


def bad_view():
    t = Tensor((4,), [0.0, 1.0, 2.0, 3.0])
    t.shape, t.stride = (100,), (1,)
    m = Module("Generator", buffers=[("bad", t)])
    return {"G_ema": m}


def eg3d_like():
    m = Module("TriPlaneGenerator", children=[("backbone", Module("Generator", attrs={"z_dim": 4})),
                                              ("superresolution", Module("SuperresolutionHybrid8XDC"))])
    return {"G_ema": m}


SEEDS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fuzz", "seeds", "pickle_reader")


def zip_only():
    """The smallest snapshot with a zip-format storage payload."""
    return {"augment_pipe": Module("AugmentPipe", buffers=[("p", Tensor((2,), [0.25, 0.5]))])}


def write_seeds():
    """Small seed inputs for the fuzz target (fuzz/seeds/pickle_reader)."""
    os.makedirs(SEEDS, exist_ok=True)
    raw = {
        "os_system_global.pkl": b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.",
        "os_system_stack_global.pkl": b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93X\x02\x00\x00\x00ls\x85R.",
        "deep_marks.pkl": b"\x80\x02" + b"(" * 1100 + b".",
        "missing_memo.pkl": b"\x80\x02h\x07.",
        "huge_length.pkl": b"\x80\x04X\xf0\xff\xff\xff",
        "protocol0.pkl": b"(dp0\nS'G'\np1\nNsS'x'\nI12\nsS'f'\nF1.5\nsS'l'\nL7L\nsS'u'\n(lp2\nV\\u00e9\np3\naI01\nas.",
    }
    for name, data in raw.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(data)
    global S
    for name, obj, protocol, settings in [
        ("zip_storage.pkl", zip_only, 4, {"zip_storages": True}),
        ("legacy_storage_p2.pkl", zip_only, 2, {}),
        ("sg3_tiny.pkl", lambda: snapshot(sg3_generator), 4, {}),
        ("tf_legacy.pkl", lambda: (tf_network("G"), tf_network("D"), tf_network("Gs")), 2, {}),
    ]:
        S = Settings()
        for k, v in settings.items():
            setattr(S, k, v)
        DTYPES.clear()
        Storage.counter = 0
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(pickle.dumps(obj(), protocol=protocol))
    print(f"seeds: {sorted(os.listdir(SEEDS))}")


def main():
    os.makedirs(OUT, exist_ok=True)
    write("sg2_p4.pkl", lambda: snapshot(sg2_generator, shared_g=False), 4)
    for p in (2, 3, 5):
        write(f"sg2_p{p}.pkl", lambda: snapshot(sg2_generator), p)
    write("sg2_p4_ordereddict.pkl", lambda: snapshot(sg2_generator), 4, ordered_dicts=True)
    write("sg2_p4_numpy2.pkl", lambda: snapshot(sg2_generator), 4, numpy_mod=np2)
    write("sg2_p4_zip.pkl", lambda: snapshot(sg2_generator), 4, zip_storages=True)
    write("sg2_ada_p3.pkl", lambda: snapshot(sg2_generator), 3, ada=True, ordered_dicts=True)
    write("sg3_p4.pkl", lambda: snapshot(sg3_generator), 4)
    write("sg3_p2.pkl", lambda: snapshot(sg3_generator), 2, ordered_dicts=True)
    write("sg3_p4_numpy2.pkl", lambda: snapshot(sg3_generator), 4, numpy_mod=np2)
    write("tf_legacy.pkl", lambda: (tf_network("G"), tf_network("D"), tf_network("Gs")), 2)
    write("hostile_view_beyond_storage.pkl", bad_view, 4)
    write("eg3d_like.pkl", eg3d_like, 4)
    write_seeds()


if __name__ == "__main__":
    main()
