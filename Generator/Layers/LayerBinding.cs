using System;
using System.Collections.Generic;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// The arguments of one layer attribute as a rule binds them: typed readers that apply the attribute's default when
    /// an argument is absent and report a wrong one (NDSL0023, NDSL0015) where it was written. <see cref="Ok"/> turns
    /// false once anything was reported.
    /// </summary>
    /// <remarks>The defaults the rules pass mirror the property initializers of the attribute classes in NetDsl.Runtime;
    /// a test compares the two by reflection.</remarks>
    public sealed class LayerBinding
    {
        private readonly Dictionary<string, ArgSpec> _args;

        internal LayerBinding(DeclarationSpec spec, LayerSpec layer, Dictionary<string, ArgSpec> args, string where, List<DiagnosticInfo> diagnostics)
        {
            Spec = spec;
            Layer = layer;
            _args = args;
            Where = where;
            Diagnostics = diagnostics;
        }

        /// <summary>The layer being bound (its argument expressions are recorded for diagnostics at the use site).</summary>
        internal BoundLayer? Bound { get; set; }

        public DeclarationSpec Spec { get; }
        public LayerSpec Layer { get; }
        public string Where { get; }
        public List<DiagnosticInfo> Diagnostics { get; }
        public bool Ok { get; set; } = true;
        public bool IsBlock => Spec.Kind == DeclarationKind.Block;

        /// <summary>The argument as written, or null.</summary>
        public ArgSpec? Arg(string name) => _args.TryGetValue(name, out var arg) ? arg : null;

        public bool Has(string name) => _args.ContainsKey(name);

        /// <summary>Reports NDSL0023 (an argument the layer cannot take) on <paramref name="argument"/> and fails the binding.</summary>
        public void Fail(string argument, string message, LocationInfo? location = null)
        {
            Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, location ?? Arg(argument)?.Location ?? Layer.Location, Where, argument, message));
            Ok = false;
        }

        /// <summary>An integer size: a literal or an expression string; <paramref name="fallback"/> when absent.</summary>
        public Expr? Expr(string name, long? fallback, bool required = false)
        {
            var arg = Arg(name);
            if (arg is null || arg.Value.Kind == ArgKind.Null)
            {
                // A required size left null (the attribute takes `object`) would otherwise stop inference silently.
                if (required) Fail(name, arg is null ? "is required" : "must be an integer or an expression string, not null", arg?.Location ?? Layer.Location);
                // An explicit null where the attribute has a default would silently mean the default: say so.
                else if (arg is not null && fallback is not null) Fail(name, $"must be an integer or an expression string, not null (leave it out for the default, {fallback})", arg.Location ?? Layer.Location);
                return fallback is null ? null : Inference.Expr.Num(fallback.Value);
            }
            var e = Binder.ToExpr(Spec, arg, Where, Diagnostics);
            if (e is null) Ok = false;
            else if (Bound is not null) Bound.ArgExprs[name] = e;
            return e;
        }

        /// <summary>A real (an alpha): a number, a double parameter or an expression; <paramref name="fallback"/> when absent.</summary>
        public Expr? Real(string name, double fallback, bool required = false)
        {
            var arg = Arg(name);
            if (required && arg is { Value.Kind: ArgKind.Null })
            {
                Fail(name, "must be a number or an expression string, not null", arg.Location ?? Layer.Location);
                return null;
            }
            if (arg is null || arg.Value.Kind == ArgKind.Null) return Inference.Expr.Real(fallback);
            var e = Binder.ToExpr(Spec, arg, Where, Diagnostics, allowReal: true);
            if (e is null) Ok = false;
            else if (Bound is not null) Bound.ArgExprs[name] = e;
            return e;
        }

        public bool Bool(string name, bool fallback) =>
            Arg(name) is { Value: { Kind: ArgKind.Bool } value } ? value.Number != 0 : fallback;

        public double Double(string name, double fallback) =>
            Arg(name) is { Value: { Kind: ArgKind.Double or ArgKind.Int } value } ? value.Number : fallback;

        public int Int(string name, int fallback) =>
            Arg(name) is { Value: { Kind: ArgKind.Int or ArgKind.Enum } value } ? (int)value.Number : fallback;

        public string? Text(string name) => Arg(name) is { Value: { Kind: ArgKind.String, Text: string text } } ? text : null;

        /// <summary>An array of integers (bins, rates) into <paramref name="target"/>; <paramref name="fallback"/> when absent
        /// or empty (null: leave it empty).</summary>
        public void List(string name, List<long> target, long[]? fallback, bool emptyIsError = false)
        {
            if (Arg(name) is { Value: { Kind: ArgKind.Array } list })
            {
                foreach (var item in list.Items) target.Add((long)item.Number);
                // A property set to an empty array is a mistake, not a request for the default (leave it out for that).
                if (list.Items.Count == 0 && emptyIsError && fallback is not null)
                {
                    Fail(name, $"must hold at least one value (leave it out for the default, {string.Join(", ", fallback)})", Arg(name)!.Location ?? Layer.Location);
                    return;
                }
            }
            if (target.Count == 0 && fallback is not null) target.AddRange(fallback);
        }

        /// <summary>
        /// A padding: a number or an expression, or the keywords "same" / "valid" where <paramref name="keywords"/>;
        /// absent gives <paramref name="defaultSame"/> ? "same" : 0. A single unknown word is reported as a keyword NetDsl
        /// does not know (not as an expression with an unknown name).
        /// </summary>
        public void Padding(BoundLayer b, bool keywords, bool defaultSame, string accepted)
        {
            var padding = Arg("Padding");
            if (padding is null && defaultSame)
            {
                b.PaddingSame = true;
                b.Padding = Inference.Expr.Num(0);
                return;
            }
            if (padding is { Value: { Kind: ArgKind.String, Text: string text } } && (text.Trim() == "same" || text.Trim() == "valid"))
            {
                if (!keywords) Fail("Padding", $"\"{text}\" is only supported by Conv; give a number", padding.Location ?? Layer.Location);
                b.PaddingSame = text.Trim() == "same";
                b.Padding = Inference.Expr.Num(0);
            }
            else if (padding is { Value: { Kind: ArgKind.String, Text: string word } } && Binder.IsIdentifier(word.Trim()) && !Binder.KnownNames(Spec).Contains(word.Trim()))
            {
                if (IsBlock) accepted += " or an expression over the block's parameters";
                Fail("Padding", $"must be {accepted}, not \"{word}\"", padding.Location ?? Layer.Location);
            }
            else
            {
                b.Padding = Expr("Padding", 0);
            }
        }
    }
}
