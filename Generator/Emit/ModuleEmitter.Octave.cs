using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// Octave convolution in the emitted code. An octave-typed block (<see cref="OctaveTyping"/>) is an
    /// <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c>: its running value is a (high, low) pair, per-frequency layers
    /// become <c>OctaveBatchNorm2d</c> / <c>PerFrequency</c>, its shortcut an octave projection, and a plain stage in it
    /// is called on <c>x.ToTensor()</c>. A network stays <c>Module&lt;Tensor, Tensor&gt;</c> and switches between a plain
    /// <c>x</c> and an octave <c>o</c> where its stages change domain.
    /// </summary>
    public sealed partial class ModuleEmitter
    {
        private bool? _octaveModule;

        /// <summary>Whether this declaration's module takes and returns octave pairs (blocks only).</summary>
        private bool OctaveModule => _octaveModule ??= !IsNetwork && OctaveTyping.IsOctave(_declaration, Resolve);

        private BoundDeclaration? Resolve(string name) => _bound.TryGetValue(name, out var d) ? d : null;

        /// <summary>Whether the file needs the NetDsl.Octave types.</summary>
        private bool UsesOctave => OctaveModule || _declaration.Stages.Any(IsOctaveStage);

        /// <summary>Whether a stage's module works on octave pairs.</summary>
        private bool IsOctaveStage(BoundStage stage)
        {
            switch (stage.Form)
            {
                case StageForm.Sequence:
                    return stage.Layers.Exists(l => l.Rule is { IsOctave: true }) || IsOctavePerFrequency(stage.Layers[0]);
                case StageForm.Use:
                    return OctaveTyping.IsOctaveStage(stage, Resolve);
                case StageForm.Shortcut:
                    if (IsNetwork)
                        return _inference!.Facts.TryGetValue(stage.Layers[0], out var f) && (f.Input.IsOctave || f.Output.IsOctave);
                    return OctaveModule;
                default:
                    return false;
            }
        }

        /// <summary>A per-frequency layer (BN, activation, dropout, identity) that receives an octave pair.</summary>
        private bool IsOctavePerFrequency(BoundLayer layer)
        {
            if (!OctaveTyping.IsPerFrequency(layer)) return false;
            if (IsNetwork) return _inference!.Facts.TryGetValue(layer, out var f) && f.Input.IsOctave;
            if (!OctaveModule) return false;
            // In an octave block only a value known to be plain (after a plain layer) keeps the plain module.
            return !(_flow.LayerAlpha.TryGetValue(layer, out var alpha) && alpha.Equals(Expr.Real(0)));
        }

        /// <summary>The octave projection shortcut: d-li14's nn.Sequential(Conv_BN(in, out, 1, stride, alpha_in, alpha_out)).</summary>
        private string OctaveProjection(BoundLayer shortcut, Expr inC, Expr outC, Expr stride)
        {
            var alphaIn = _flow.LayerAlpha.TryGetValue(shortcut, out var a) ? a : Expr.Real(0);
            var alphaOut = _flow.ShortcutAlphaOut.TryGetValue(shortcut, out var b) ? b : Expr.Real(0);
            return $"new OctaveSequential((\"0\", new OctaveConvBn({inC}, {outC}, kernel_size: 1, alpha_in: {alphaIn}, alpha_out: {alphaOut}" +
                (stride.Equals(Expr.Num(1)) ? "" : ", stride: " + stride) + ")))";
        }

        /// <summary>The shortcut's input and output alphas, when they may differ (a projection is then needed).</summary>
        private (Expr In, Expr Out)? ShortcutAlphas(BoundLayer shortcut)
        {
            if (!IsOctaveStageLayer(shortcut)) return null;
            var alphaIn = _flow.LayerAlpha.TryGetValue(shortcut, out var a) ? a : Expr.Real(0);
            var alphaOut = _flow.ShortcutAlphaOut.TryGetValue(shortcut, out var b) ? b : Expr.Real(0);
            return (alphaIn, alphaOut);
        }

        private bool IsOctaveStageLayer(BoundLayer layer)
        {
            foreach (var stage in _declaration.Stages)
                if (stage.Layers.Contains(layer)) return IsOctaveStage(stage);
            return false;
        }
    }
}
