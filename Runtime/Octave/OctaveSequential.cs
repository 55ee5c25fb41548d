using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Octave
{
    /// <summary>
    /// <c>nn.Sequential</c> for octave modules: children named "0", "1", ... (or as given), each
    /// <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c>, called in order. State-dict keys are PyTorch's
    /// (<c>0.conv.conv_h2h.weight</c>), so an octave ResNet layer or a projection shortcut (d-li14's
    /// <c>nn.Sequential(Conv_BN(...))</c>) keeps the reference's names.
    /// </summary>
    public sealed partial class OctaveSequential : nn.Module<OctaveTensor, OctaveTensor>
    {
        private readonly List<nn.Module<OctaveTensor, OctaveTensor>> _children = new List<nn.Module<OctaveTensor, OctaveTensor>>();

        /// <summary>Builds the sequence from named children, registered in the given order.</summary>
        /// <exception cref="ArgumentException">There are no children, a name is empty or repeated, or a module is null.</exception>
        public OctaveSequential(params (string Name, nn.Module<OctaveTensor, OctaveTensor> Module)[] children)
            : base(nameof(OctaveSequential))
        {
            if (children is null || children.Length == 0)
                throw new ArgumentException("OctaveSequential: give at least one child module.", nameof(children));
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, module) in children)
            {
                if (string.IsNullOrEmpty(name) || !names.Add(name))
                    throw new ArgumentException($"OctaveSequential: child names must be non-empty and distinct, got '{name}'.", nameof(children));
                if (module is null)
                    throw new ArgumentException($"OctaveSequential: child '{name}' is null.", nameof(children));
                register_module(name, module);
                _children.Add(module);
            }
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Number of children.</summary>
        public int Count => _children.Count;

        /// <summary>Child <paramref name="index"/>, in call order.</summary>
        public nn.Module<OctaveTensor, OctaveTensor> this[int index] => _children[index];

        /// <summary>Calls the children in order; intermediate results are disposed, only the last is kept.</summary>
        public override OctaveTensor forward(OctaveTensor x)
        {
            using var scope = NewDisposeScope();
            var y = x;
            foreach (var child in _children) y = child.call(y).Releasing(y, x); // each child's input once read, never the caller's x
            return y.MoveToOuterDisposeScope();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var child in _children) child.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Applies a parameter-free element-wise module (an activation, dropout, identity) to each frequency of an octave
    /// pair: the high part, then the low part when there is one (d-li14 applies its ReLU this way).
    /// </summary>
    /// <remarks>The inner module is registered as <c>op</c>; it has no state, so the state_dict is unchanged.</remarks>
    public sealed partial class PerFrequency : nn.Module<OctaveTensor, OctaveTensor>
    {
        private readonly nn.Module<Tensor, Tensor> _op;

        /// <summary>Wraps <paramref name="op"/>, e.g. <c>nn.ReLU(inplace: true)</c>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
        public PerFrequency(nn.Module<Tensor, Tensor> op) : base(nameof(PerFrequency))
        {
            _op = op ?? throw new ArgumentNullException(nameof(op));
            register_module("op", _op);
        }

        /// <summary>Registered explicitly in the constructor (see <see cref="OctaveSequential"/>).</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The wrapped module.</summary>
        public nn.Module<Tensor, Tensor> Op => _op;

        /// <summary>(op(high), op(low)) or (op(high), null).</summary>
        /// <exception cref="ArgumentException">The pair is empty (a default <see cref="OctaveTensor"/>).</exception>
        public override OctaveTensor forward(OctaveTensor x)
        {
            if (x.High is null) throw new ArgumentException("PerFrequency: the input pair is empty (a default OctaveTensor).", nameof(x));
            return new OctaveTensor(_op.call(x.High), x.Low is null ? null : _op.call(x.Low));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _op.Dispose();
            base.Dispose(disposing);
        }
    }
}
