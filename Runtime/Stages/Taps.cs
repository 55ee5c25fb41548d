using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl
{
    /// <summary>
    /// A generated block whose inner stage outputs can be tapped: besides <c>forward(input)</c> it has
    /// <c>forward(input, taps)</c>, which runs the same stages and keeps the outputs the taps ask for.
    /// </summary>
    public interface ITappable
    {
        /// <summary>Runs the block like <c>forward(input)</c> and keeps, in <paramref name="taps"/>, the stage outputs it asks for.</summary>
        Tensor forward(Tensor input, Taps taps);
    }

    /// <summary>
    /// The stage outputs a network's <c>forward_all</c> reads from inside its stages ([Tap("backbone.layer3")]): which
    /// module paths are wanted and, once the stages have run, a copy of each. Generated code creates one per call, with
    /// the call's dispose scope as the owner: the kept tensors live until that scope ends, whatever scopes the inner
    /// blocks open and close, and they are copies, so a later in-place layer (ReLU(inplace), the residual add) cannot
    /// change them.
    /// </summary>
    public sealed class Taps
    {
        private readonly Root _root;
        private readonly string _prefix;

        private sealed class Root
        {
            public Root(DisposeScope? owner, IEnumerable<string> paths)
            {
                Owner = owner;
                Wanted = new HashSet<string>(paths, StringComparer.Ordinal);
            }

            public DisposeScope? Owner { get; }
            public HashSet<string> Wanted { get; }
            public Dictionary<string, Tensor> Kept { get; } = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        }

        /// <summary>Asks for the outputs of the modules at <paramref name="paths"/> (relative to the network).</summary>
        /// <param name="owner">The dispose scope the kept tensors move to; null leaves them to the caller (detached).</param>
        /// <param name="paths">Module paths such as "backbone.layer3".</param>
        public Taps(DisposeScope? owner, params string[] paths)
        {
            if (paths is null || paths.Length == 0) throw new ArgumentException("Taps: give at least one module path.", nameof(paths));
            _root = new Root(owner, paths);
            _prefix = "";
        }

        private Taps(Root root, string prefix)
        {
            _root = root;
            _prefix = prefix;
        }

        /// <summary>The paths asked for, relative to the network.</summary>
        public IReadOnlyCollection<string> Paths => _root.Wanted;

        /// <summary>The kept output of the module at <paramref name="path"/> (relative to the network).</summary>
        /// <exception cref="KeyNotFoundException">The path was not asked for, or its stage has not run yet.</exception>
        public Tensor this[string path] => _root.Kept.TryGetValue(path, out var t) ? t
            : throw new KeyNotFoundException(_root.Wanted.Contains(path)
                ? $"Taps: '{path}' has not run yet."
                : $"Taps: '{path}' was not asked for (asked: {string.Join(", ", _root.Wanted)}).");

        /// <summary>
        /// Runs stage <paramref name="stage"/> (relative to the current block) with <paramref name="module"/>: with
        /// <c>.call</c> when nothing inside it is wanted, else stage by stage (a generated block's
        /// <see cref="ITappable.forward"/>, or the children of an <c>nn.Sequential</c> in order). Keeps the output when
        /// the stage itself is wanted.
        /// </summary>
        public Tensor Run(string stage, nn.Module<Tensor, Tensor> module, Tensor x)
        {
            string path = _prefix + stage;
            Tensor y;
            if (WantsInside(path))
            {
                var inner = new Taps(_root, path + ".");
                switch (module)
                {
                    case ITappable tappable:
                        y = tappable.forward(x, inner);
                        break;
                    case Modules.Sequential sequential:
                        y = x;
                        foreach (var (name, child) in sequential.named_children())
                        {
                            if (child is not nn.Module<Tensor, Tensor> step)
                                throw new InvalidOperationException($"Taps: '{path}.{name}' is not a tensor-to-tensor module.");
                            y = inner.Run(name, step, y).Releasing(y, x); // each child's input once read, never the caller's x
                        }
                        break;
                    default:
                        throw new InvalidOperationException($"Taps: cannot look inside '{path}' ({module.GetType().Name}); only generated blocks and nn.Sequential have tappable stages.");
                }
            }
            else
            {
                y = module.call(x);
            }
            return Keep(stage, y);
        }

        /// <summary>Keeps a copy of <paramref name="x"/> when stage <paramref name="stage"/> is wanted; returns <paramref name="x"/>.</summary>
        public Tensor Keep(string stage, Tensor x)
        {
            string path = _prefix + stage;
            if (!_root.Wanted.Contains(path)) return x;
            var copy = x.clone();
            if (_root.Owner is null) copy.DetachFromDisposeScope();
            // Not when it is already there (a stage of the owner's own forward): TorchSharp 0.107's MoveToOtherDisposeScope
            // into the tensor's own scope drops it from that scope, and its finalizer then fails on the disposed scope.
            else if (!_root.Owner.Contains(copy)) copy.MoveToOtherDisposeScope(_root.Owner);
            if (_root.Kept.TryGetValue(path, out var previous)) previous.Dispose();
            _root.Kept[path] = copy;
            return x;
        }

        private bool WantsInside(string path)
        {
            string start = path + ".";
            foreach (var wanted in _root.Wanted)
            {
                if (wanted.StartsWith(start, StringComparison.Ordinal)) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// What a network's generated <c>forward_all</c> returns: its outputs by name, in declaration order, like the
    /// OrderedDict torchvision's segmentation models return (<c>"out"</c>, <c>"aux"</c>). The generated subclass adds one
    /// property per output. Disposing it disposes the tensors.
    /// </summary>
    public abstract class NetworkOutputs : IReadOnlyDictionary<string, Tensor>, IDisposable
    {
        private readonly string[] _names;
        private readonly Tensor[] _tensors;

        protected NetworkOutputs(string[] names, Tensor[] tensors)
        {
            if (names.Length != tensors.Length) throw new ArgumentException("one tensor per output name", nameof(tensors));
            _names = names;
            _tensors = tensors;
        }

        /// <summary>The output names in declaration order; the first is what <c>forward</c> returns.</summary>
        public IEnumerable<string> Keys => _names;

        public IEnumerable<Tensor> Values => _tensors;

        public int Count => _names.Length;

        public Tensor this[string key]
        {
            get
            {
                int i = Array.IndexOf(_names, key);
                return i >= 0 ? _tensors[i] : throw new KeyNotFoundException($"no output '{key}' (outputs: {string.Join(", ", _names)})");
            }
        }

        public bool ContainsKey(string key) => Array.IndexOf(_names, key) >= 0;

        public bool TryGetValue(string key, out Tensor value)
        {
            int i = Array.IndexOf(_names, key);
            value = i >= 0 ? _tensors[i] : null!;
            return i >= 0;
        }

        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        {
            for (int i = 0; i < _names.Length; i++) yield return new KeyValuePair<string, Tensor>(_names[i], _tensors[i]);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>The outputs as a new dictionary (insertion order is declaration order).</summary>
        public Dictionary<string, Tensor> ToDictionary() => Enumerable.ToDictionary(this, kv => kv.Key, kv => kv.Value);

        /// <summary>Moves every output (each tensor once, should two outputs be one tensor) to the enclosing dispose scope.</summary>
        public void MoveToOuterDisposeScope()
        {
            foreach (var t in Distinct()) t.MoveToOuterDisposeScope();
        }

        public void Dispose()
        {
            foreach (var t in Distinct()) t.Dispose();
        }

        private IEnumerable<Tensor> Distinct()
        {
            var seen = new List<Tensor>();
            foreach (var t in _tensors)
            {
                if (seen.Exists(s => ReferenceEquals(s, t))) continue;
                seen.Add(t);
                yield return t;
            }
        }
    }
}
