using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>[Tap] and [Output] (stage modifiers), and binding with the dilation rewrite.</summary>
    public static partial class Binder
    {
        /// <summary>
        /// Binds <paramref name="spec"/> and applies the dilation rewrite (<c>Dilate = true</c>, <c>OutputStride</c>), which
        /// needs the used blocks' parameters: <paramref name="blocks"/> maps their names to their specs.
        /// </summary>
        public static BoundDeclaration Bind(DeclarationSpec spec, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, DeclarationSpec> blocks)
        {
            var bound = Bind(spec, diagnostics);
            DilationRewrite.Apply(bound, blocks, diagnostics);
            return bound;
        }

        private static bool BindModifier(LayerKind kind, Dictionary<string, ArgSpec> args, LayerSpec layer, BoundLayer b, string where, List<DiagnosticInfo> diagnostics)
        {
            string argument = kind == LayerKind.Tap ? "path" : "name";
            args.TryGetValue(argument, out var arg);
            string? text = arg?.Value.Kind == ArgKind.String ? arg.Value.Text?.Trim() : null;
            if (kind == LayerKind.Tap)
            {
                if (text is not null && IsModulePath(text))
                {
                    b.TapPath = text;
                    return true;
                }
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, arg?.Location ?? layer.Location, where, argument,
                    "must be the module path of an earlier stage, such as \"backbone\" or \"backbone.layer3\""));
                return false;
            }
            if (text is not null && IsIdentifier(text))
            {
                b.OutputName = text;
                return true;
            }
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, arg?.Location ?? layer.Location, where, argument,
                "must be a name made of letters, digits and _ (it becomes a property of the outputs), such as \"aux\""));
            return false;
        }

        /// <summary>Dotted names, each made of letters, digits and _ ("layer3", "layer3.5", "0").</summary>
        private static bool IsModulePath(string text)
        {
            foreach (var part in text.Split('.'))
            {
                if (part.Length == 0) return false;
                foreach (char c in part)
                {
                    if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
                }
            }
            return true;
        }

        /// <summary>Taps and outputs belong to networks, and a stage needs a layer besides them.</summary>
        private static bool CheckModifiers(DeclarationSpec spec, StageSpec stage, List<BoundLayer> layers, List<BoundLayer> modifiers, List<DiagnosticInfo> diagnostics)
        {
            string where = spec.DisplayName + "." + stage.Name;
            if (spec.Kind == DeclarationKind.Block)
            {
                foreach (var modifier in modifiers)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOutputs, modifier.Location, where,
                        $"[{modifier.Kind}] belongs to a [Network]: a block has one input and one output (a network can tap the block's stages by path, e.g. [Tap(\"backbone.layer3\")])"));
                return false;
            }
            if (layers.Count == 0)
            {
                // Only report when the stage really has nothing else (a layer that failed to bind has its own error).
                if (stage.Layers.Count == modifiers.Count)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, stage.Location, stage.Name,
                        "a stage needs a layer besides [Tap] and [Output]; use [Identity] to pass a tapped tensor on unchanged"));
                return false;
            }
            return true;
        }
    }
}
