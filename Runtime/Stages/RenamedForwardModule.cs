using System;
using TorchSharp;

namespace NetDsl
{
    /// <summary>
    /// The base of a generated module whose class has its own member named <c>forward</c> (a stage named forward, whose
    /// name is its PyTorch name): C# allows no method of that name next to it, so the generated forward pass is a method
    /// of another name, and this class overrides <see cref="torch.nn.Module{T, TResult}.forward"/> to call it.
    /// </summary>
    /// <typeparam name="T">The module's input and output: a tensor, or an octave pair.</typeparam>
    public abstract class RenamedForwardModule<T> : torch.nn.Module<T, T>
    {
        private Func<T, T>? _forward;

        protected RenamedForwardModule(string name) : base(name)
        {
        }

        /// <summary>Sets the forward pass (the generated constructor calls it, as <c>base.SetForward(...)</c>).</summary>
        protected void SetForward(Func<T, T> forward) => _forward = forward ?? throw new ArgumentNullException(nameof(forward));

        public sealed override T forward(T input) =>
            (_forward ?? throw new InvalidOperationException(GetType().Name + ": the forward pass was not set by the constructor."))(input);
    }
}
