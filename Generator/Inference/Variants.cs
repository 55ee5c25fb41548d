using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// [Network(Like = typeof(Body))]: a variant takes its body's stages and parameters, with its own [Param] fields as the
    /// new values. Resolved on the parsed models (plain values), before inference: the result is the body's declaration
    /// under the variant's name, so everything after (shapes, keys, counts, emitted code) is the body's with other numbers.
    /// </summary>
    public static class Variants
    {
        /// <summary>The declaration to infer and emit for <paramref name="variant"/>, or null (with diagnostics) when it has
        /// none: its body is missing, is not a network or is a variant itself.</summary>
        public static DeclarationSpec? Resolve(DeclarationSpec variant, IReadOnlyDictionary<string, DeclarationSpec> networks, List<DiagnosticInfo> diagnostics)
        {
            string like = variant.Like!;
            string shortName = like.StartsWith("global::", StringComparison.Ordinal) ? like.Substring(8) : like;
            if (!networks.TryGetValue(like, out var body) || body.Kind != DeclarationKind.Network)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VariantBody, variant.LikeLocation, variant.DisplayName, shortName,
                    like == variant.MetadataName ? "is the class itself; name the network it varies" : "is not a [Network] class of this compilation"));
                return null;
            }
            if (body.Like is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VariantBody, variant.LikeLocation, variant.DisplayName, shortName,
                    $"is a variant itself (of {Short(body.Like)}); name its body, {Short(body.Like)}, and set the parameters here"));
                return null;
            }

            bool ok = true;
            var own = variant.Params.ToDictionary(p => p.Name, StringComparer.Ordinal);
            foreach (var p in variant.Params)
            {
                var match = body.Params.FirstOrDefault(b => b.Name == p.Name);
                string? problem = match is null
                    ? $"{body.DisplayName} has no parameter '{p.Name}' (its parameters: {(body.Params.Count == 0 ? "none" : string.Join(", ", body.Params.Select(b => b.Name)))})"
                    : match.IsType != p.IsType || match.Real != p.Real
                        ? $"{body.DisplayName}.{p.Name} is {Describe(match)}, not {Describe(p)}"
                        : p.FirstRepeatOnly
                            ? "FirstRepeatOnly is for block parameters"
                            : null;
                if (problem is null) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VariantParameter, p.Location, variant.DisplayName, p.Name, problem));
                ok = false;
            }
            if (!ok) return null;

            // The body's parameters in its order, each with the variant's value where it gives one.
            var parameters = body.Params.Select(p => own.TryGetValue(p.Name, out var mine) ? mine : p).ToEquatableArray();
            var inherited = body.Stages.Select(s => s.Name)
                .Concat(body.Params.Where(p => !own.ContainsKey(p.Name)).Select(p => p.Name))
                .ToEquatableArray();
            bool Explicit(string name) => variant.ExplicitArguments.Contains(name);
            return body with
            {
                MetadataName = variant.MetadataName,
                Namespace = variant.Namespace,
                ClassName = variant.ClassName,
                Accessibility = variant.Accessibility,
                ContainingTypes = variant.ContainingTypes,
                InChannels = Explicit("InChannels") ? variant.InChannels : body.InChannels,
                Height = Explicit("Height") ? variant.Height : body.Height,
                Width = Explicit("Width") ? variant.Width : body.Width,
                Params = parameters,
                ParseDiagnostics = variant.ParseDiagnostics,
                Location = variant.Location,
                // The generated part declares the body's stage fields here: none of the class's own members may take their names.
                ReservedNames = variant.ReservedNames.Concat(inherited).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToEquatableArray(),
                ShadowedNames = variant.ShadowedNames,
                ForwardTaken = variant.ForwardTaken,
                HasOwnToString = variant.HasOwnToString,
                IsDuplicate = false,
                Like = null,
                LikeLocation = null,
                VariantOf = body.DisplayName,
                InheritedFields = inherited,
            };
        }

        private static string Describe(ParamSpec p) => p.IsType ? "a Type" : p.Real ? "a double" : "an int";

        private static string Short(string name) => name.StartsWith("global::", StringComparison.Ordinal) ? name.Substring(8) : name;
    }
}
