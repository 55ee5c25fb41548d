using System;
using System.Collections.Generic;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Which declarations work on octave (high, low) pairs. A block is octave-typed when it has an octave convolution or
    /// uses an octave-typed block; its module is then <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c>, and its
    /// batch norms, activations and shortcuts act per frequency. Inference and emission decide it the same way, here.
    /// </summary>
    public static class OctaveTyping
    {
        /// <summary>Whether <paramref name="declaration"/> is octave-typed; <paramref name="resolve"/> finds a used block by name.</summary>
        public static bool IsOctave(BoundDeclaration declaration, Func<string, BoundDeclaration?> resolve) =>
            IsOctave(declaration, resolve, new HashSet<string>(StringComparer.Ordinal));

        private static bool IsOctave(BoundDeclaration declaration, Func<string, BoundDeclaration?> resolve, HashSet<string> visiting)
        {
            if (!visiting.Add(declaration.Spec.MetadataName)) return false; // a cycle is reported elsewhere
            try
            {
                foreach (var stage in declaration.Stages)
                {
                    foreach (var layer in stage.Layers)
                    {
                        if (layer.Rule is { IsOctave: true }) return true;
                        if (layer.Kind == LayerKind.Use && layer.BlockName is not null && resolve(layer.BlockName) is { } block &&
                            IsOctave(block, resolve, visiting))
                            return true;
                    }
                }
                return false;
            }
            finally
            {
                visiting.Remove(declaration.Spec.MetadataName);
            }
        }

        /// <summary>Whether a stage's module takes and returns octave pairs in an octave-typed declaration's forward.</summary>
        public static bool IsOctaveStage(BoundStage stage, Func<string, BoundDeclaration?> resolve)
        {
            switch (stage.Form)
            {
                case StageForm.Use:
                    var use = stage.Layers[0];
                    return use.BlockName is not null && resolve(use.BlockName) is { } block && IsOctave(block, resolve);
                case StageForm.Sequence:
                    return stage.Layers.Exists(l => l.Rule is { IsOctave: true });
                default:
                    return false;
            }
        }

        /// <summary>Layers that act on each frequency of a pair (and on a plain tensor alike).</summary>
        public static bool IsPerFrequency(BoundLayer layer) => layer.Rule is { IsPerFrequency: true };
    }
}
