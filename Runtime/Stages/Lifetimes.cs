using System;
using NetDsl.Octave;
using static TorchSharp.torch;

namespace NetDsl
{
    /// <summary>
    /// What a generated forward pass calls to free each intermediate tensor right after its last use, as a compiler frees
    /// a register: <c>x = _bn1.call(x).Releasing(x);</c> disposes the old <c>x</c> once <c>bn1</c> has read it. The
    /// generator decides at compile time which tensor dies where (<c>Generator/Inference/Liveness.cs</c>); these helpers
    /// only add the run-time identity checks that keep it safe: a tensor is never disposed when it is the result itself
    /// (a module that returned its input, an in-place add) or one of the tensors named in <c>keep</c> (the forward's
    /// input, an earlier output a later stage still reads). The forward's dispose scope stays as the safety net.
    /// Disposing a handle frees only that handle: storage shared with an alias (ReLU(inplace), a view) lives on, and
    /// autograd keeps what a backward pass needs.
    /// </summary>
    public static class Lifetimes
    {
        /// <summary>
        /// Called, when set, by every helper here once its result exists and before anything is released: the moment a
        /// stage's inputs and its output are alive together. For measuring the peak memory of a forward pass (tests,
        /// profilers); null by default, and then costs one null check.
        /// </summary>
        public static Action? Observer { get; set; }

        /// <summary>Disposes <paramref name="old"/> unless it is <paramref name="result"/> or one of <paramref name="keep"/>; returns <paramref name="result"/>.</summary>
        public static Tensor Releasing(this Tensor result, Tensor old, params object[] keep)
        {
            Observer?.Invoke();
            Free(old, result, null, keep);
            return result;
        }

        /// <summary>Disposes both parts of the pair <paramref name="old"/> but those that are <paramref name="result"/> or in <paramref name="keep"/>.</summary>
        public static Tensor Releasing(this Tensor result, OctaveTensor old, params object[] keep)
        {
            Observer?.Invoke();
            Free(old.High, result, null, keep);
            Free(old.Low, result, null, keep);
            return result;
        }

        /// <summary>Disposes <paramref name="old"/> unless it is a part of <paramref name="result"/> or in <paramref name="keep"/>.</summary>
        public static OctaveTensor Releasing(this OctaveTensor result, Tensor old, params object[] keep)
        {
            Observer?.Invoke();
            Free(old, result.High, result.Low, keep);
            return result;
        }

        /// <summary>Disposes the parts of <paramref name="old"/> that are not parts of <paramref name="result"/> nor in <paramref name="keep"/>.</summary>
        public static OctaveTensor Releasing(this OctaveTensor result, OctaveTensor old, params object[] keep)
        {
            Observer?.Invoke();
            Free(old.High, result.High, result.Low, keep);
            Free(old.Low, result.High, result.Low, keep);
            return result;
        }

        /// <summary>Disposes <paramref name="t"/> unless it is one of <paramref name="keep"/>.</summary>
        public static void Release(this Tensor t, params object[] keep) => Free(t, null, null, keep);

        /// <summary>Disposes both parts of <paramref name="t"/> but those in <paramref name="keep"/>.</summary>
        public static void Release(this OctaveTensor t, params object[] keep)
        {
            Free(t.High, null, null, keep);
            Free(t.Low, null, null, keep);
        }

        /// <summary>
        /// The residual add of a shortcut: <c>x.add_(shortcut)</c> when <paramref name="inPlace"/> (x is this forward's own
        /// tensor), else <c>x + shortcut</c>; then disposes <paramref name="shortcut"/> (the projection's output) unless it is
        /// <paramref name="input"/>, the block's input.
        /// </summary>
        public static Tensor AddShortcut(this Tensor x, Tensor shortcut, Tensor input, bool inPlace)
        {
            var result = inPlace ? x.add_(shortcut) : x + shortcut;
            Observer?.Invoke();
            Free(shortcut, result, null, new object[] { input, x });
            return result;
        }

        /// <summary>The residual add of an octave shortcut, per frequency (see the plain overload).</summary>
        public static OctaveTensor AddShortcut(this OctaveTensor x, OctaveTensor shortcut, OctaveTensor input, bool inPlace)
        {
            var result = inPlace ? x.add_(shortcut) : x + shortcut;
            Observer?.Invoke();
            var keep = new object[] { input, x };
            Free(shortcut.High, result.High, result.Low, keep);
            Free(shortcut.Low, result.High, result.Low, keep);
            return result;
        }

        /// <summary>
        /// <c>cat(parts, dim)</c>, then disposes the parts (the branches' outputs) but those in <paramref name="keep"/>
        /// (a branch that returned the shared input).
        /// </summary>
        public static Tensor ConcatReleasing(this Tensor[] parts, long dim, params object[] keep)
        {
            var result = cat(parts, dim);
            Observer?.Invoke();
            foreach (var part in parts) Free(part, result, null, keep);
            return result;
        }

        /// <summary>
        /// The sum of <paramref name="parts"/> (the first two added into a new tensor, the others added to it in place),
        /// then disposes the parts but those in <paramref name="keep"/>.
        /// </summary>
        public static Tensor SumReleasing(this Tensor[] parts, params object[] keep)
        {
            if (parts.Length == 0) throw new ArgumentException("SumReleasing: no parts.", nameof(parts));
            var result = parts.Length == 1 ? parts[0].alias() : parts[0] + parts[1];
            for (int i = 2; i < parts.Length; i++) result.add_(parts[i]);
            Observer?.Invoke();
            foreach (var part in parts) Free(part, result, null, keep);
            return result;
        }

        /// <summary>
        /// <c>x * terms[0] * terms[1] ...</c> (broadcast), disposing each intermediate product once the next one is made;
        /// <paramref name="x"/> and the terms are left alone.
        /// </summary>
        public static Tensor MultiplyReleasing(this Tensor x, params Tensor[] terms)
        {
            var result = x;
            foreach (var term in terms)
            {
                var next = result * term;
                Observer?.Invoke();
                if (!ReferenceEquals(result, x)) result.Dispose();
                result = next;
            }
            return ReferenceEquals(result, x) ? x.alias() : result;
        }

        private static void Free(Tensor? t, Tensor? result, Tensor? result2, object[] keep)
        {
            if (t is null || ReferenceEquals(t, result) || ReferenceEquals(t, result2)) return;
            foreach (var k in keep)
            {
                switch (k)
                {
                    case Tensor kept when ReferenceEquals(kept, t):
                        return;
                    case OctaveTensor pair when ReferenceEquals(pair.High, t) || ReferenceEquals(pair.Low, t):
                        return;
                }
            }
            t.Dispose();
        }
    }
}
