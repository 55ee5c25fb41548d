using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parse
{
    /// <summary>
    /// Reads a [Network] or [Block] class into a <see cref="DeclarationSpec"/>. This is the only stage
    /// that touches Roslyn symbols; they are reduced to strings and numbers before leaving it.
    /// </summary>
    public static partial class DeclarationParser
    {
        public const string NetworkAttribute = "NetDsl.NetworkAttribute";
        public const string BlockAttribute = "NetDsl.BlockAttribute";
        private const string ParamAttribute = "NetDsl.ParamAttribute";
        private const string LayerAttribute = "NetDsl.LayerAttribute";
        private const string StageType = "NetDsl.Stage";

        public static DeclarationSpec Parse(GeneratorAttributeSyntaxContext context, DeclarationKind kind, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            var classLocation = LocationInfo.From(syntax.Identifier.GetLocation());
            string metadataName = symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

            try
            {
                return ParseCore(context, kind, symbol, syntax, diagnostics, classLocation, metadataName, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // The generator never throws: a failure becomes a diagnostic on the class.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, classLocation, symbol.Name, ex.GetType().Name + ": " + ex.Message));
                return Empty(kind, symbol, metadataName, classLocation, diagnostics);
            }
        }

        private static DeclarationSpec Empty(DeclarationKind kind, INamedTypeSymbol symbol, string metadataName, LocationInfo? location, List<DiagnosticInfo> diagnostics) =>
            new DeclarationSpec(kind, metadataName, Namespace(symbol), symbol.Name, "public", EquatableArray<string>.Empty,
                3, 0, 0, false, EquatableArray<ParamSpec>.Empty, EquatableArray<StageSpec>.Empty, diagnostics.ToEquatableArray(), location);

        private static string Namespace(INamedTypeSymbol symbol) =>
            symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "";

        private static DeclarationSpec ParseCore(GeneratorAttributeSyntaxContext context, DeclarationKind kind, INamedTypeSymbol symbol,
            TypeDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics, LocationInfo? classLocation, string metadataName, CancellationToken cancellationToken)
        {
            // --- the class itself
            // The same class seen twice (the marker on two partial declarations, CS0579; or a block that is also a network):
            // only one parse speaks for it, so that it is reported once and generated at most once (two sources with one
            // hint name would fail the whole generator, CS8785).
            if (IsSecondSighting(context, kind, symbol))
                return Empty(kind, symbol, metadataName, classLocation, diagnostics) with { IsDuplicate = true };
            if (kind == DeclarationKind.Network && HasAttribute(symbol, BlockAttribute))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                    "a class cannot be both a [Network] and a [Block]; keep one (a network can use a block: [Use(typeof(...))])"));
            if (symbol.IsRecord)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                    "a record cannot be a module (records generate members of their own: a copy constructor, Equals, ToString); declare a partial class"));
            else if (symbol.TypeKind == TypeKind.Class && symbol.IsAbstract && !symbol.IsStatic)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                    kind == DeclarationKind.Network ? "an abstract network cannot be constructed" : "an abstract block cannot be constructed"));
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, symbol.Name));
            if (symbol.TypeKind != TypeKind.Class)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name, "only classes can be networks or blocks"));
            // Its own type parameters (a class nested in a generic one is reported for its containing type below).
            if (symbol.TypeParameters.Length > 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name, "generic classes are not supported"));
            if (symbol.IsStatic)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name, "a static class cannot be a module"));
            if (symbol.BaseType is { SpecialType: not SpecialType.System_Object } baseType && symbol.TypeKind == TypeKind.Class)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                    $"it derives from '{baseType.ToDisplayString()}'; NetDsl makes it a Module<Tensor, Tensor> itself, so declare no base class"));

            var containing = new List<string>();
            for (var parent = symbol.ContainingType; parent is not null; parent = parent.ContainingType)
            {
                var parentSyntax = parent.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (parentSyntax is null || !parentSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                        $"its containing type '{parent.Name}' must be partial too"));
                if (parent.IsGenericType)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, classLocation, symbol.Name,
                        $"its containing type '{parent.Name}' is generic"));
                string keyword = parentSyntax switch
                {
                    RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                containing.Insert(0, keyword + " " + parent.Name);
            }

            // --- [Network] arguments
            int inChannels = 3, height = 0, width = 0, outputStride = 0, batch = 1;
            bool sequentialBlock = false;
            string? like = null;
            var explicitArguments = new List<string>();
            var marker = context.Attributes[0];
            foreach (var named in marker.NamedArguments)
            {
                explicitArguments.Add(named.Key);
                switch (named.Key)
                {
                    case "Like": like = (named.Value.Value as ITypeSymbol)?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat); break;
                    case "InChannels": inChannels = named.Value.Value is int c ? c : inChannels; break;
                    case "Height": height = named.Value.Value is int h ? h : height; break;
                    case "Width": width = named.Value.Value is int w ? w : width; break;
                    case "Sequential": sequentialBlock = named.Value.Value is bool s && s; break;
                    case "OutputStride": outputStride = named.Value.Value is int os ? os : 0; break;
                    case "Batch": batch = named.Value.Value is int n ? n : batch; break;
                }
            }
            if (kind == DeclarationKind.Network && batch < 1)
            {
                var markerSyntax = marker.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                var argument = markerSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Batch");
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ArgumentOutOfRange, LocationInfo.From(argument) ?? classLocation, DisplayName(containing, symbol.Name),
                    $"[Network] needs Batch >= 1 (the batch size of the summary's figures); got Batch = {batch}"));
            }
            LocationInfo? outputStrideLocation = null;
            if (outputStride != 0 && marker.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } markerArguments })
                outputStrideLocation = LocationInfo.From(markerArguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "OutputStride"));
            if (kind == DeclarationKind.Network && (inChannels < 1 || height < 0 || width < 0))
            {
                // Reported here, on the argument at fault (inference only knows the class's location).
                string culprit = inChannels < 1 ? "InChannels" : height < 0 ? "Height" : "Width";
                var markerSyntax = marker.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                var argument = markerSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == culprit);
                string displayName = string.Join(".", containing.Select(c => c.Substring(c.LastIndexOf(' ') + 1)).Concat(new[] { symbol.Name }));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ArgumentOutOfRange, LocationInfo.From(argument) ?? classLocation, displayName,
                    $"[Network] needs InChannels >= 1 and Height, Width >= 0 (0 = symbolic); got InChannels = {inChannels}, Height = {height}, Width = {width}"));
            }

            // --- members in declaration order
            var parameters = new List<ParamSpec>();
            var stages = new List<StageSpec>();
            foreach (var member in symbol.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IFieldSymbol field || field.IsImplicitlyDeclared) continue;
                var attributes = field.GetAttributes();
                var fieldLocation = LocationInfo.From(field.Locations.FirstOrDefault());

                var param = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ParamAttribute);
                if (param is not null)
                {
                    parameters.Add(ParseParam(context, field, param, kind, diagnostics, fieldLocation, cancellationToken));
                    continue;
                }

                var layers = attributes.Where(a => IsLayerAttribute(a.AttributeClass)).ToList();
                bool isStage = field.Type.ToDisplayString() == StageType;
                if (!isStage)
                {
                    if (layers.Count > 0)
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, fieldLocation, field.Name,
                            $"layer attributes go on fields of type NetDsl.Stage, not '{field.Type.ToDisplayString()}'"));
                    continue;
                }
                if (field.IsStatic)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, fieldLocation, field.Name, "a stage field cannot be static"));
                    continue;
                }
                if (layers.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, fieldLocation, field.Name,
                        "a Stage field needs at least one layer attribute, e.g. [Conv(32), BatchNorm, ReLU]"));
                    continue;
                }
                var layerSpecs = new List<LayerSpec>();
                string where = DisplayName(containing, symbol.Name) + "." + field.Name;
                foreach (var attribute in layers)
                {
                    var layer = ParseLayer(attribute, cancellationToken);
                    CheckFinite(layer, where, diagnostics);
                    layerSpecs.Add(layer);
                }
                stages.Add(new StageSpec(field.Name, layerSpecs.ToEquatableArray(), fieldLocation));
            }

            CheckMembers(symbol, kind, stages, diagnostics, classLocation);

            LocationInfo? likeLocation = null;
            if (like is not null)
            {
                var markerSyntax = marker.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                likeLocation = LocationInfo.From(markerSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Like")) ?? classLocation;
                // A variant's stages are its body's: one of its own would be silently dropped or clash with the body's.
                foreach (var stage in stages)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.VariantStage, stage.Location, DisplayName(containing, symbol.Name), stage.Name, ShortName(like)));
            }
            else if (stages.Count == 0 && !diagnostics.Any(d => d.IsError))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyDeclaration, classLocation, symbol.Name));

            string accessibility = symbol.DeclaredAccessibility switch
            {
                Accessibility.Public => "public",
                Accessibility.Internal => "internal",
                Accessibility.Private => "private",
                Accessibility.Protected => "protected",
                Accessibility.ProtectedOrInternal => "protected internal",
                Accessibility.ProtectedAndInternal => "private protected",
                _ => "internal",
            };

            return new DeclarationSpec(kind, metadataName, Namespace(symbol), symbol.Name, accessibility, containing.ToEquatableArray(),
                inChannels, height, width, sequentialBlock, parameters.ToEquatableArray(), stages.ToEquatableArray(),
                diagnostics.ToEquatableArray(), classLocation)
            {
                OutputStride = outputStride,
                OutputStrideLocation = outputStrideLocation,
                Like = like,
                LikeLocation = likeLocation,
                ExplicitArguments = explicitArguments.Where(a => a is "InChannels" or "Height" or "Width").ToEquatableArray(),
                ReservedNames = ReservedNames(context.SemanticModel.Compilation, symbol),
                ShadowedNames = ShadowedNames(context.SemanticModel, syntax, symbol),
                ForwardTaken = symbol.Name == "forward" || symbol.GetMembers("forward").Any(m => m is not IMethodSymbol),
                // A ToString() of the user's, or a member named ToString (a stage): no ToString is generated then.
                HasOwnToString = symbol.GetMembers("ToString").Any(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { Parameters.Length: > 0 }),
            };
        }

        private static string ShortName(string metadataName) =>
            metadataName.StartsWith("global::", StringComparison.Ordinal) ? metadataName.Substring(8) : metadataName;

        private static bool IsLayerAttribute(INamedTypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (t.ToDisplayString() == LayerAttribute) return true;
            }
            return false;
        }

        private static ParamSpec ParseParam(GeneratorAttributeSyntaxContext context, IFieldSymbol field, AttributeData attribute, DeclarationKind kind,
            List<DiagnosticInfo> diagnostics, LocationInfo? location, CancellationToken cancellationToken)
        {

            bool real = field.Type.SpecialType == SpecialType.System_Double;
            if (field.Type.ToDisplayString() == "System.Type")
                return ParseTypeParam(context, field, attribute, kind, diagnostics, location, cancellationToken);
            if (field.Type.SpecialType != SpecialType.System_Int32 && !real)
            {
                // One report for the field: its default is not read as an int then.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "a [Param] field must be an int, a double (an octave convolution's alpha, a probability) or a Type (the block of [Use(\"block\", ...)])"));
                return new ParamSpec(field.Name, null, false, location);
            }
            if (field.IsStatic || field.IsConst)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name, "a [Param] field must be an instance field"));
            if (field.Name == "in_channels")
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "in_channels is the block's input channel count, which the compiler passes at each use; give the parameter another name"));

            bool firstOnly = attribute.NamedArguments.Any(a => a.Key == "FirstRepeatOnly" && a.Value.Value is true);
            int? fallback = null;
            double? realFallback = null;
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer })
                {
                    var model = initializer.SyntaxTree == context.SemanticModel.SyntaxTree
                        ? context.SemanticModel
                        : context.SemanticModel.Compilation.GetSemanticModel(initializer.SyntaxTree);
                    var constant = model.GetConstantValue(initializer.Value, cancellationToken);
                    if (constant.HasValue && constant.Value is int value && !real) fallback = value;
                    else if (constant.HasValue && real && constant.Value is double or int or float)
                    {
                        realFallback = Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
                        if (NonFinite(realFallback.Value) is { } what)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonFiniteArgument, LocationInfo.From(initializer.Value) ?? location,
                                field.ContainingType.Name + "." + field.Name, "default", what));
                            realFallback = null;
                        }
                    }
                    else diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                        real ? "a [Param] default must be a constant number" : "a [Param] default must be a constant int"));
                }
            }
            if (kind == DeclarationKind.Network && (firstOnly || fallback is null && realFallback is null))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name, firstOnly
                    ? "FirstRepeatOnly is for block parameters; a network's [Param] is a constructor parameter"
                    : "a network's [Param] needs a default (`int num_classes = 1000;`): the compile-time summary is for the defaults, other values are checked at construction"));
            if (firstOnly && fallback is null && realFallback is null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "FirstRepeatOnly needs a default value for the later copies (e.g. `int stride = 1;`)"));
            return new ParamSpec(field.Name, fallback, firstOnly, location, real, realFallback);
        }

        /// <summary>A <c>[Param] Type block = typeof(Bottleneck);</c>: the block a <c>[Use("block", ...)]</c> uses, fixed by the
        /// declaration (a variant sets another).</summary>
        private static ParamSpec ParseTypeParam(GeneratorAttributeSyntaxContext context, IFieldSymbol field, AttributeData attribute, DeclarationKind kind,
            List<DiagnosticInfo> diagnostics, LocationInfo? location, CancellationToken cancellationToken)
        {
            string? type = null;
            if (kind != DeclarationKind.Network)
            {
                // A block's parameters are positional at its uses, which pass numbers; the block a block uses is its own choice.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "a Type [Param] belongs to a [Network] (a block's parameters are the numbers its uses pass); in a block, write typeof(TheBlock) in the [Use]"));
                return new ParamSpec(field.Name, null, false, location) { IsType = true };
            }
            if (field.IsStatic || field.IsConst)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name, "a [Param] field must be an instance field"));
            if (attribute.NamedArguments.Any(a => a.Key == "FirstRepeatOnly" && a.Value.Value is true))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "a Type parameter chooses the block of every copy; FirstRepeatOnly is for int and double parameters"));
            foreach (var reference in field.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer: { } initializer }) continue;
                var model = initializer.SyntaxTree == context.SemanticModel.SyntaxTree
                    ? context.SemanticModel
                    : context.SemanticModel.Compilation.GetSemanticModel(initializer.SyntaxTree);
                if (initializer.Value is TypeOfExpressionSyntax typeOf && model.GetTypeInfo(typeOf.Type, cancellationToken).Type is INamedTypeSymbol named
                    && named.TypeKind != TypeKind.Error)
                    type = named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                else
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, LocationInfo.From(initializer.Value) ?? location, field.Name,
                        "a Type [Param] default must be typeof(a [Block] class)"));
            }
            if (type is null && !diagnostics.Any(d => d.Location == location || d.Id == DiagnosticDescriptors.InvalidStageField.Id && d.IsError))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, location, field.Name,
                    "a Type [Param] needs a default: `Type block = typeof(Bottleneck);` (it is fixed by the declaration, not a constructor parameter)"));
            return new ParamSpec(field.Name, null, false, location) { TypeDefault = type, IsType = true };
        }

        private static LayerSpec ParseLayer(AttributeData attribute, CancellationToken cancellationToken)
        {
            var type = attribute.AttributeClass!;
            string kind = type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var location = LocationInfo.From(syntax);
            var arguments = syntax?.ArgumentList?.Arguments ?? default;

            var args = new List<ArgSpec>();
            var ctor = attribute.AttributeConstructor;
            if (ctor is not null)
            {
                for (int i = 0; i < ctor.Parameters.Length && i < attribute.ConstructorArguments.Length; i++)
                {
                    var parameter = ctor.Parameters[i];
                    LocationInfo? argLocation = null;
                    var itemLocations = EquatableArray<LocationInfo>.Empty;
                    if (arguments != default)
                    {
                        var positional = arguments.Where(a => a.NameEquals is null).ToList();
                        var byName = positional.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter.Name);
                        if (byName is not null) argLocation = LocationInfo.From(byName);
                        else if (parameter.IsParams && i < positional.Count && positional.Skip(i).All(a => a.NameColon is null))
                        {
                            // A params array written as a list (Use(typeof(B), 64, 2)): the span covers every item.
                            var span = TextSpan.FromBounds(positional[i].SpanStart, positional[positional.Count - 1].Span.End);
                            argLocation = LocationInfo.From(Location.Create(positional[i].SyntaxTree, span));
                            itemLocations = positional.Skip(i).Select(a => LocationInfo.From(a)!).ToEquatableArray();
                        }
                        else if (i < positional.Count && positional[i].NameColon is null) argLocation = LocationInfo.From(positional[i]);
                    }
                    args.Add(new ArgSpec(parameter.Name, ToValue(attribute.ConstructorArguments[i]), argLocation ?? location) { ItemLocations = itemLocations });
                }
            }
            foreach (var named in attribute.NamedArguments)
            {
                LocationInfo? argLocation = null;
                var itemLocations = EquatableArray<LocationInfo>.Empty;
                if (arguments != default)
                {
                    var match = arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == named.Key);
                    if (match is not null) argLocation = LocationInfo.From(match);
                    itemLocations = ArrayItemLocations(match?.Expression);
                }
                args.Add(new ArgSpec(named.Key, ToValue(named.Value), argLocation ?? location) { ItemLocations = itemLocations });
            }
            return new LayerSpec(kind, args.ToEquatableArray(), location) { Module = ModuleTypeOf(attribute) };
        }

        private static ArgValue ToValue(TypedConstant constant)
        {
            switch (constant.Kind)
            {
                case TypedConstantKind.Array when constant.IsNull:
                    // [Add(null)]: a null params array, reported by the layer as any null argument.
                    return new ArgValue(ArgKind.Null, 0, null, EquatableArray<ArgValue>.Empty);
                case TypedConstantKind.Array:
                    return new ArgValue(ArgKind.Array, 0, null, constant.Values.Select(ToValue).ToEquatableArray());
                case TypedConstantKind.Type:
                    return new ArgValue(ArgKind.Type, 0, (constant.Value as ITypeSymbol)?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), EquatableArray<ArgValue>.Empty);
                case TypedConstantKind.Enum:
                    return new ArgValue(ArgKind.Enum, Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture), constant.Type?.Name, EquatableArray<ArgValue>.Empty);
                case TypedConstantKind.Primitive:
                    switch (constant.Value)
                    {
                        case null: return new ArgValue(ArgKind.Null, 0, null, EquatableArray<ArgValue>.Empty);
                        case bool b: return new ArgValue(ArgKind.Bool, b ? 1 : 0, null, EquatableArray<ArgValue>.Empty);
                        case string s: return ArgValue.String(s);
                        case int or long or short or byte or sbyte or ushort or uint:
                            return ArgValue.Int(Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture));
                        case double or float or decimal:
                            return new ArgValue(ArgKind.Double, Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture), null, EquatableArray<ArgValue>.Empty);
                        default:
                            return new ArgValue(ArgKind.Other, 0, constant.ToCSharpString(), EquatableArray<ArgValue>.Empty);
                    }
                default:
                    return constant.IsNull
                        ? new ArgValue(ArgKind.Null, 0, null, EquatableArray<ArgValue>.Empty)
                        : new ArgValue(ArgKind.Other, 0, constant.Kind == TypedConstantKind.Error ? "an invalid value" : constant.ToCSharpString(), EquatableArray<ArgValue>.Empty);
            }
        }
    }
}
