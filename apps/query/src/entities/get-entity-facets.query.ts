import { Injectable } from '@nestjs/common';
import { FacetCount, FilterPredicate } from '@callboard/catalog-index';
import { CatalogReadModel } from '../read-model/catalog-read-model';

export class GetEntityFacetsQuery {
  constructor(
    readonly facets: string[],
    readonly filter: FilterPredicate | undefined,
  ) {}
}

/** `/entity-facets`: value counts per facet over the matching entities. */
@Injectable()
export class GetEntityFacets {
  constructor(private readonly readModel: CatalogReadModel) {}

  execute(query: GetEntityFacetsQuery): { facets: Record<string, FacetCount[]> } {
    return { facets: this.readModel.queries.facets(query.facets, query.filter) };
  }
}
